// Imports and exports: LinkedIn's Connections.csv, a tracker CSV or vCards in; each bad row is
// shown with its line and field next to the count of rows kept. Exports download as files.
import { useState } from "preact/hooks";
import { ApiError, type Config, type ImportReport } from "./api";
import { Field, Status, errorText } from "./ui";

type Format = "linkedin" | "csv" | "vcard";

export function ImportsView({ config, token }: { config: Config; token: string }) {
  const [format, setFormat] = useState<Format>("linkedin");
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [status, setStatus] = useState<{ message: string; error?: boolean } | null>(null);
  const [sending, setSending] = useState(false);
  const [progress, setProgress] = useState(0);
  const [lines, setLines] = useState<string[]>([]);

  async function upload(event: Event) {
    event.preventDefault();
    if (!file) return;
    setSending(true);
    setReport(null);
    setProgress(0);
    setStatus({ message: `Importing ${file.name} (${Math.ceil(file.size / 1024)} KB)…` });
    try {
      const text = await file.text();
      setLines(text.split(/\r?\n/));
      setReport(await send(text));
      setStatus({ message: `Imported ${file.name}.` });
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    } finally {
      setSending(false);
    }
  }

  /** The file as the request body, with upload progress (fetch cannot report it). */
  function send(text: string): Promise<ImportReport> {
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open("POST", `${config.apis.contacts}/v1/imports/${format}`);
      request.setRequestHeader("Authorization", `Bearer ${token}`);
      request.setRequestHeader("Content-Type", format === "vcard" ? "text/vcard" : "text/csv");
      request.upload.onprogress = (e) => e.lengthComputable && setProgress(e.loaded / e.total);
      request.onerror = () => reject(new Error("The upload failed: check your connection."));
      request.onload = () => {
        const body = JSON.parse(request.responseText || "{}") as ImportReport & { detail?: unknown };
        if (request.status === 200) resolve(body);
        else reject(new ApiError(typeof body.detail === "string" ? body.detail : `The import failed (${request.status}).`, request.status));
      };
      request.send(text);
    });
  }

  async function download(path: "/v1/exports/contacts.csv" | "/v1/exports/contacts.vcf", name: string) {
    const response = await fetch(config.apis.contacts + path, { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) return setStatus({ message: `The export failed (${response.status}).`, error: true });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = name;
    link.click();
    URL.revokeObjectURL(link.href);
  }

  return (
    <section aria-labelledby="imports">
      <h1 id="imports">Import and export</h1>
      <form class="card" onSubmit={upload}>
        <div class="row">
          <Field label="What kind of file">
            <select value={format} onChange={(e) => setFormat(e.currentTarget.value as Format)}>
              <option value="linkedin">LinkedIn Connections.csv</option>
              <option value="csv">A tracker spreadsheet (CSV)</option>
              <option value="vcard">vCard (.vcf)</option>
            </select>
          </Field>
          <Field label="File to import" hint="Up to 5,000 rows. Importing the same file twice adds nothing.">
            <input type="file" accept=".csv,.vcf,text/csv,text/vcard" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
          </Field>
        </div>
        <button type="submit" disabled={!file || sending}>
          Import
        </button>
        {sending && <progress aria-label="Uploading" max={1} value={progress} />}
        {status && <Status {...status} />}
      </form>
      {report && (
        <div class="card" aria-label="Import report">
          <p>
            <strong>{report.created}</strong> added, <strong>{report.unchanged}</strong> already there, <strong>{report.errors.length}</strong> row(s) with errors.
          </p>
          {report.errors.length > 0 && (
            <table>
              <caption>Rows not imported</caption>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Field</th>
                  <th scope="col">Problem</th>
                  <th scope="col">The row</th>
                </tr>
              </thead>
              <tbody>
                {report.errors.map((e) => (
                  <tr>
                    <td>{e.row}</td>
                    <td>{e.field ?? ""}</td>
                    <td>{e.message}</td>
                    <td>
                      <code>{lines[e.row - 1] ?? ""}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      <h2>Export</h2>
      <div class="actions">
        <button class="quiet" onClick={() => download("/v1/exports/contacts.csv", "contacts.csv")}>
          Download CSV
        </button>
        <button class="quiet" onClick={() => download("/v1/exports/contacts.vcf", "contacts.vcf")}>
          Download vCards
        </button>
      </div>
    </section>
  );
}

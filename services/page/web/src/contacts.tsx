// The tracker: contacts with the API's filters and paging, how warm each one is, and adding one.
import { useEffect, useState } from "preact/hooks";
import { type Apis, type Category, type Contact, type Tie, type Warmth, need } from "./api";
import { Field, Status, errorText, when, words } from "./ui";

export const TIES: Tie[] = ["strong", "weak", "dormant"];
export const CATEGORIES: Category[] = ["mentor", "alumni", "peer", "existing_network", "company_contact", "recruiter", "other"];
const BANDS = { fine: "fine", due_soon: "due soon", overdue: "overdue" } as const;

interface Filters {
  tie?: Tie;
  category?: Category;
  warmth?: Warmth;
  tag?: string;
  going_cold?: boolean;
  q?: string;
}

export function Band({ contact }: { contact: Contact }) {
  return <span class={`badge band-${contact.band}`}>{BANDS[contact.band]}</span>;
}

export function ContactsView({ apis }: { apis: Apis }) {
  const [filters, setFilters] = useState<Filters>({});
  const [pages, setPages] = useState<string[]>([]);
  const [items, setItems] = useState<Contact[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [status, setStatus] = useState<{ message: string; error?: boolean } | null>(null);
  const [adding, setAdding] = useState(false);

  async function load(cursor?: string) {
    try {
      const page = await need(apis.contacts.GET("/v1/contacts", { params: { query: { ...filters, q: filters.q || undefined, tag: filters.tag || undefined, limit: 25, cursor } } }));
      setItems(page.items);
      setNext(page.next_cursor);
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    }
  }

  useEffect(() => {
    setPages([]);
    void load();
  }, [filters]);

  const set = (change: Partial<Filters>) => setFilters({ ...filters, ...change });
  return (
    <section aria-labelledby="contacts">
      <h1 id="contacts">Contacts</h1>
      {status && <Status {...status} />}
      <form class="filters card" role="search" onSubmit={(e) => e.preventDefault()}>
        <Field label="Search name or company">
          <input type="search" value={filters.q ?? ""} onChange={(e) => set({ q: e.currentTarget.value })} />
        </Field>
        <Field label="Tie">
          <select value={filters.tie ?? ""} onChange={(e) => set({ tie: (e.currentTarget.value || undefined) as Tie | undefined })}>
            <option value="">any</option>
            {TIES.map((t) => <option value={t}>{t}</option>)}
          </select>
        </Field>
        <Field label="Category">
          <select value={filters.category ?? ""} onChange={(e) => set({ category: (e.currentTarget.value || undefined) as Category | undefined })}>
            <option value="">any</option>
            {CATEGORIES.map((c) => <option value={c}>{words(c)}</option>)}
          </select>
        </Field>
        <Field label="Warmth">
          <select value={filters.warmth ?? ""} onChange={(e) => set({ warmth: (e.currentTarget.value || undefined) as Warmth | undefined })}>
            <option value="">any</option>
            <option value="warm">warm</option>
            <option value="cold">cold</option>
          </select>
        </Field>
        <Field label="Tag">
          <input value={filters.tag ?? ""} maxLength={40} onChange={(e) => set({ tag: e.currentTarget.value })} />
        </Field>
        <label class="check">
          <input type="checkbox" checked={filters.going_cold ?? false} onChange={(e) => set({ going_cold: e.currentTarget.checked || undefined })} /> Going cold only
        </label>
      </form>
      <button onClick={() => setAdding(!adding)} aria-expanded={adding}>
        Add a contact
      </button>
      {adding && (
        <ContactForm
          apis={apis}
          onSaved={(contact) => {
            setAdding(false);
            setStatus({ message: `Added ${contact.name}.` });
            location.hash = `#/contacts/${contact.id}`;
          }}
        />
      )}
      {items.length === 0 ? (
        <p class="empty">No contact matches. Add one, or import your LinkedIn connections.</p>
      ) : (
        <table class="contacts">
          <caption class="visually-hidden">Your contacts</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Company</th>
              <th scope="col">Tie</th>
              <th scope="col">Warmth</th>
              <th scope="col">Last in touch</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <td>
                  <a href={`#/contacts/${c.id}`}>{c.name}</a>
                </td>
                <td>{c.company ?? ""}</td>
                <td>{c.tie}</td>
                <td>
                  <Band contact={c} />
                </td>
                <td>{when(c.last_interaction_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="paging" aria-label="Pages">
        {pages.length > 0 && (
          <button class="quiet" onClick={() => { const previous = pages.slice(0, -1); setPages(previous); void load(previous[previous.length - 1]); }}>
            Previous page
          </button>
        )}
        {next && (
          <button class="quiet" onClick={() => { setPages([...pages, next]); void load(next); }}>
            Next page
          </button>
        )}
      </nav>
    </section>
  );
}

function list(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

export function ContactForm({ apis, contact, onSaved }: { apis: Apis; contact?: Contact; onSaved: (contact: Contact) => void }) {
  const [name, setName] = useState(contact?.name ?? "");
  const [tie, setTie] = useState<Tie>(contact?.tie ?? "weak");
  const [category, setCategory] = useState<Category>(contact?.category ?? "other");
  const [company, setCompany] = useState(contact?.company ?? "");
  const [role, setRole] = useState(contact?.role ?? "");
  const [ask, setAsk] = useState(contact?.ask ?? "");
  const [tags, setTags] = useState((contact?.tags ?? []).join(", "));
  const [emails, setEmails] = useState((contact?.emails ?? []).join(", "));
  const [linkedin, setLinkedin] = useState(contact?.linkedin_url ?? "");
  const [howMet, setHowMet] = useState(contact?.how_met ?? "");
  const [whyThem, setWhyThem] = useState(contact?.why_them ?? "");
  const [notes, setNotes] = useState(contact?.notes ?? "");
  const [cadence, setCadence] = useState(contact && !contact.cadence_is_default ? String(contact.cadence_days) : "");
  const [status, setStatus] = useState<{ message: string; error?: boolean } | null>(null);

  async function save(event: Event) {
    event.preventDefault();
    const body = {
      name: name.trim(),
      tie,
      category,
      company: company.trim() || null,
      role: role.trim() || null,
      ask: ask.trim() || null,
      tags: list(tags),
      emails: list(emails),
      linkedin_url: linkedin.trim() || null,
      how_met: howMet.trim() || null,
      why_them: whyThem.trim() || null,
      notes: notes.trim() || null,
      cadence_days: cadence ? Number(cadence) : null,
    };
    try {
      const saved = contact
        ? await need(apis.contacts.PATCH("/v1/contacts/{contact_id}", { params: { path: { contact_id: contact.id } }, body }))
        : await need(apis.contacts.POST("/v1/contacts", { body }));
      onSaved(saved);
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    }
  }

  return (
    <form class="card" onSubmit={save} aria-label={contact ? "Edit contact" : "New contact"}>
      <div class="row">
        <Field label="Name">
          <input required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label="Tie">
          <select value={tie} onChange={(e) => setTie(e.currentTarget.value as Tie)}>
            {TIES.map((t) => <option value={t}>{t}</option>)}
          </select>
        </Field>
        <Field label="Category">
          <select value={category} onChange={(e) => setCategory(e.currentTarget.value as Category)}>
            {CATEGORIES.map((c) => <option value={c}>{words(c)}</option>)}
          </select>
        </Field>
      </div>
      <div class="row">
        <Field label="Company">
          <input maxLength={200} value={company} onInput={(e) => setCompany(e.currentTarget.value)} />
        </Field>
        <Field label="Role">
          <input maxLength={200} value={role} onInput={(e) => setRole(e.currentTarget.value)} />
        </Field>
        <Field label="Tags" hint="Separated by commas.">
          <input value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
        </Field>
      </div>
      <Field label="Your ask" hint="What you would like to learn from them.">
        <input maxLength={1000} value={ask} onInput={(e) => setAsk(e.currentTarget.value)} />
      </Field>
      <details>
        <summary>More about them</summary>
        <div class="row">
          <Field label="Emails" hint="Separated by commas.">
            <input value={emails} onInput={(e) => setEmails(e.currentTarget.value)} />
          </Field>
          <Field label="LinkedIn profile">
            <input type="url" maxLength={300} value={linkedin} onInput={(e) => setLinkedin(e.currentTarget.value)} />
          </Field>
          <Field label="Keep in touch every … days" hint="Empty: the default cadence.">
            <input type="number" min={1} max={730} value={cadence} onInput={(e) => setCadence(e.currentTarget.value)} />
          </Field>
        </div>
        <Field label="How you met">
          <input maxLength={1000} value={howMet} onInput={(e) => setHowMet(e.currentTarget.value)} />
        </Field>
        <Field label="Why them">
          <input maxLength={1000} value={whyThem} onInput={(e) => setWhyThem(e.currentTarget.value)} />
        </Field>
        <Field label="Notes">
          <textarea rows={3} maxLength={5000} value={notes} onInput={(e) => setNotes(e.currentTarget.value)} />
        </Field>
      </details>
      <button type="submit">{contact ? "Save changes" : "Add contact"}</button>
      {status && <Status {...status} />}
    </form>
  );
}

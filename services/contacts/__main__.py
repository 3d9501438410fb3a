from services.contacts.bootstrap import NAME, bootstrap
from shared.runtime import service_cli

service_cli(NAME, bootstrap)()

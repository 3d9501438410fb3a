-- One PostgreSQL for the laptop, a database per service (each service owns its own).
CREATE DATABASE contacts;
CREATE DATABASE habits;
CREATE DATABASE notifier;

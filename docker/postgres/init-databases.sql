-- One database per service, created on the first start of the postgres container (an empty data volume).
-- Each service's Flyway creates its own tables; the names match the services' spring.datasource.url.
CREATE DATABASE orders;
CREATE DATABASE inventory;
CREATE DATABASE payment;
CREATE DATABASE orchestrator;

-- One database per service, created on the first start of the postgres container.
CREATE DATABASE orders;
CREATE DATABASE inventory;
CREATE DATABASE payment;
CREATE DATABASE orchestrator;

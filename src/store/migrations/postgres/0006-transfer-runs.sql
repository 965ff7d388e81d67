-- Transfers grouped by run on the job page (docs/dashboard.md): how many times a worker has
-- started the job, over all its runs (+1 per claim), and on each transfer the run and the start
-- of the job it was made in. Transfers recorded before this migration have neither (NULL).
ALTER TABLE jobs ADD COLUMN executions BIGINT NOT NULL DEFAULT 0;
ALTER TABLE transfers ADD COLUMN run BIGINT;
ALTER TABLE transfers ADD COLUMN execution BIGINT;

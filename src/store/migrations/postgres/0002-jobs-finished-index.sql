-- Finished jobs by time, for the dashboard's 24 h and 7 day history (store.countFinished).
CREATE INDEX jobs_finished ON jobs (finished_at);

/** Imported first by tests that read what n8n logs: the in-process harness keeps n8n silent unless told otherwise. */
process.env.N8N_LOG_LEVEL = 'debug';

/** jest's e2e-queue project: every e2e file's `startN8n` starts n8n in queue mode (see QUEUE_MODE_ENV). */
import { QUEUE_MODE_ENV } from '../harness/n8nServer';

process.env[QUEUE_MODE_ENV] = '1';

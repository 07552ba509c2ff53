import { homedir } from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');

/** Where long-lived installs live, outside the repo (same default as scripts/node24.sh). */
export const cacheDir = process.env.IAUT_CACHE ?? path.join(homedir(), '.cache', 'n8n-nodes-integration-automation');

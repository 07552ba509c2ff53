import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import * as jsoncParser from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import layers from './scripts/eslint-layers.cjs';

const recommended = n8nCommunityNodesPlugin.configs.recommended;
const root = dirname(fileURLToPath(import.meta.url));

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'scripts/**', 'workflows/**', '.tmp/**', '*.js', '*.mjs'] },
	{
		files: ['**/*.ts'],
		languageOptions: { parser: tseslint.parser, parserOptions: { project: './tsconfig.json' } },
	},
	// n8n's community-node rules, everywhere in the package: nodes, credentials, the engine, package.json.
	{ ...recommended, files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'lib/**/*.ts', 'package.json'] },
	{ files: ['package.json'], languageOptions: { parser: jsoncParser } },
	{
		files: ['package.json'],
		rules: {
			// The engine needs two runtime dependencies, listed with their reasons in the README:
			// `pg` (the Postgres state store for queue mode) and `luxon` (billing periods in time zones).
			// Such a package cannot be verified for n8n Cloud; it installs on self-hosted n8n.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		files: ['lib/**/*.ts'],
		rules: {
			// The engine is not node code: its state store imports `node:sqlite`, `pg`, `node:fs`, `node:os`,
			// `node:path`, and its metering imports `luxon` (see the runtime dependencies above).
			'@n8n/community-nodes/no-restricted-imports': 'off',
			// The engine runs outside n8n too (benchmarks, CLI, tests): its default sleep is setTimeout, its SQLite file
			// location reads N8N_USER_FOLDER from process.env. Inside n8n the nodes inject n8n-workflow's `sleep`.
			'@n8n/community-nodes/no-restricted-globals': 'off',
			// The engine knows nothing of n8n's node API, so it cannot throw NodeApiError: it rethrows its own
			// PlatformApiError (or the original error after a rollback), which nodes/shared/errors.ts turns into NodeApiError.
			'@n8n/community-nodes/require-node-api-error': 'off',
		},
	},
	{
		// The engine's layers (scripts/eslint-layers.cjs): lib never imports nodes/ or n8n's node API; platforms never
		// import a capability; capabilities do not import one another (they share records, store and transport); a node
		// enters the engine only through a capability's entry (lib/<capability>) or nodes/shared.
		files: ['lib/**/*.ts', 'nodes/**/*.ts'],
		plugins: { layers },
		rules: { 'layers/dependency-direction': ['error', { root }] },
	},
];

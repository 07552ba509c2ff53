/**
 * One jest run, several suites: unit, store (SQLite + Postgres), sandbox, engine (in-process n8n), e2e (real n8n),
 * browser (the n8n editor in Chromium, over a real n8n).
 */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const suite = (name) => ({
	displayName: name,
	testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
	transform,
	testEnvironment: 'node',
	...suiteExtras[name],
});
/**
 * The store suite shares one throw-away PostgreSQL server across its files. e2e-queue runs the e2e files again with n8n
 * in queue mode (main, webhook processor, two workers, Redis, PostgreSQL; test/harness/n8nQueue.ts), less the two
 * about a harness: harness.test.ts (the one-process harness) and queue-mode.test.ts (starts its own cluster).
 */
const suiteExtras = {
	store: {
		globalSetup: '<rootDir>/test/store/setup/globalSetup.ts',
		globalTeardown: '<rootDir>/test/store/setup/globalTeardown.ts',
	},
	'e2e-queue': {
		testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
		testPathIgnorePatterns: ['/node_modules/', ...['harness', 'queue-mode'].map((name) => `/test/e2e/${name}\\.test\\.ts$`)],
		setupFiles: ['<rootDir>/test/support/queueModeSetup.ts'],
	},
};
module.exports = {
	projects: ['unit', 'store', 'sandbox', 'engine', 'e2e', 'e2e-queue', 'browser'].map((name) => suite(name)),
	testTimeout: 120000,
};

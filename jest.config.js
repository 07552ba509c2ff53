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
/** The store suite shares one throw-away PostgreSQL server across its files. */
const suiteExtras = {
	store: {
		globalSetup: '<rootDir>/test/store/setup/globalSetup.ts',
		globalTeardown: '<rootDir>/test/store/setup/globalTeardown.ts',
	},
};
module.exports = {
	projects: ['unit', 'store', 'sandbox', 'engine', 'e2e', 'browser'].map((name) => suite(name)),
	testTimeout: 120000,
};

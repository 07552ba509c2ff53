/**
 * Build: compile TypeScript, then copy what n8n loads beside the JavaScript: node and credential icons,
 * codex JSON (nodes/<Name>/<Name>.node.json) and the workflow templates.
 */
const { src, dest, series } = require('gulp');
const { execFileSync } = require('node:child_process');
const { rmSync } = require('node:fs');

function clean(done) {
	rmSync('dist', { recursive: true, force: true });
	done();
}

function compile(done) {
	execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
	done();
}

function copyAssets() {
	return src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}'], { base: '.', encoding: false }).pipe(dest('dist'));
}

function copyWorkflows() {
	return src('workflows/**/*', { base: '.', encoding: false }).pipe(dest('dist'));
}

exports.build = series(clean, compile, copyAssets, copyWorkflows);
exports.default = exports.build;

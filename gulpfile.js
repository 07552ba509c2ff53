/**
 * Build: compile TypeScript, then copy what n8n loads beside the JavaScript: node and credential icons,
 * codex JSON (nodes/<Name>/<Name>.node.json, with the aliases of the platforms each node reaches read from the catalog)
 * and the workflow templates.
 */
const { src, dest, series } = require('gulp');
const { execFileSync } = require('node:child_process');
const { readFileSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');

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

/** Each node's codex in dist: the source codex, its aliases led by the names of the catalog platforms the node reaches. */
function writeCodex(done) {
	const { builtCodex } = require('./dist/nodes/shared/codex.js');
	for (const file of require('./package.json').n8n.nodes) {
		const exported = require(path.resolve(file));
		const description = new (Object.values(exported)[0])().description;
		const codexFile = file.replace(/\.js$/, '.json');
		const source = JSON.parse(readFileSync(codexFile.replace(/^dist\//, ''), 'utf8'));
		writeFileSync(codexFile, `${JSON.stringify(builtCodex(description, source), null, '\t')}\n`);
	}
	done();
}

function copyWorkflows() {
	return src('workflows/**/*', { base: '.', encoding: false }).pipe(dest('dist'));
}

exports.build = series(clean, compile, copyAssets, writeCodex, copyWorkflows);
exports.default = exports.build;

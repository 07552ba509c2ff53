/** Builds this package (gulp → dist/) and packs it the way npm would publish it. */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './paths';
import { runNode24 } from './shell';

export interface PackageManifest {
	name: string;
	n8n: { nodes?: string[]; credentials?: string[] };
}

export function readManifest(packageRoot = repoRoot): PackageManifest {
	return JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as PackageManifest;
}

/** Node types (`<package>.<node name>`) the package declares; the node name is its file name, camel-cased. */
export function declaredNodeTypes(packageRoot = repoRoot): string[] {
	const { name, n8n } = readManifest(packageRoot);
	return (n8n.nodes ?? []).map((file) => {
		const className = path.basename(file).replace(/\.node\.js$/, '');
		return `${name}.${className.charAt(0).toLowerCase()}${className.slice(1)}`;
	});
}

// One build at a time: jest workers and the demo share dist/, and a build starts by deleting it.
const buildLock = path.join(repoRoot, '.tmp', 'build.lock');

function locked(command: string): string {
	mkdirSync(path.dirname(buildLock), { recursive: true });
	return `flock ${JSON.stringify(buildLock)} bash -c ${JSON.stringify(command)}`;
}

export async function buildPackage(): Promise<void> {
	await runNode24(locked('npx gulp build'), { label: 'build' });
}

/**
 * Builds unless every declared dist file exists and is newer than each TypeScript source under nodes/, credentials/
 * and lib/. Checked under the build lock, so workers that find dist/ stale together build it once.
 */
export async function ensureBuilt(): Promise<void> {
	await runNode24(locked(buildIfStale()), { label: 'build' });
}

/**
 * A shell command that builds only when dist/ is stale. Never rebuild a fresh dist/: a build starts by deleting it,
 * and other jest workers may be loading nodes from it at that moment.
 */
function buildIfStale(): string {
	const { n8n } = readManifest();
	const declared = [...(n8n.nodes ?? []), ...(n8n.credentials ?? []), 'dist/workflows'];
	const isFresh = declared
		.map((file) => `[ -e ${file} ] && [ -z "$(find nodes credentials lib workflows -newer ${file} -print -quit 2>/dev/null)" ]`)
		.join(' && ');
	return `(${isFresh}) || npx gulp build >&2`;
}

function packCommand(destination: string): string {
	return `npm pack --silent --pack-destination ${JSON.stringify(destination)}`;
}

function tarballIn(destination: string, packOutput: string): string {
	return path.join(destination, packOutput.trim().split('\n').pop() ?? '');
}

/** `npm pack`s a package folder into a fresh temp folder and returns the tarball's path. */
export async function packFolder(packageRoot: string): Promise<string> {
	const destination = mkdtempSync(path.join(tmpdir(), 'n8n-pack-'));
	return tarballIn(destination, await runNode24(packCommand(destination), { cwd: packageRoot }));
}

/** Builds this package if stale and packs it as npm would publish it (both under the build lock); returns the tarball's path. */
export async function packPackage(): Promise<string> {
	const destination = mkdtempSync(path.join(tmpdir(), 'n8n-pack-'));
	return tarballIn(destination, await runNode24(locked(`${buildIfStale()} && ${packCommand(destination)}`), { label: 'build' }));
}

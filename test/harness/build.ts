/** Builds this package (gulp → dist/) and packs it the way npm would publish it. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

export async function buildPackage(): Promise<void> {
	await runNode24('npx gulp build', { label: 'build' });
}

/** Builds only when a declared dist file is missing or older than a TypeScript source under nodes/, credentials/, lib/. */
export async function ensureBuilt(): Promise<void> {
	const { n8n } = readManifest();
	const declared = [...(n8n.nodes ?? []), ...(n8n.credentials ?? [])].map((file) => path.join(repoRoot, file));
	const oldestOutput = Math.min(...declared.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)));
	const newestSource = Math.max(0, ...['nodes', 'credentials', 'lib'].flatMap((dir) => sourceTimes(path.join(repoRoot, dir))));
	if (declared.length > 0 && oldestOutput < newestSource) await buildPackage();
}

function sourceTimes(dir: string): number[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
		.map((entry) => statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
}

/** `npm pack`s a package folder into a fresh temp folder and returns the tarball's path. */
export async function packFolder(packageRoot: string): Promise<string> {
	const destination = mkdtempSync(path.join(tmpdir(), 'n8n-pack-'));
	const stdout = await runNode24(`npm pack --silent --pack-destination ${JSON.stringify(destination)}`, { cwd: packageRoot });
	const tarballName = stdout.trim().split('\n').pop() ?? '';
	return path.join(destination, tarballName);
}

export async function packPackage(): Promise<string> {
	await buildPackage();
	return await packFolder(repoRoot);
}

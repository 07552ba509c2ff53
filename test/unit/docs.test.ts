/**
 * The docs a user reaches from n8n exist: every node has its page, every codex link and credential documentation URL
 * lands on a docs file of this repository, every vendor has its platform page, no docs page links to a missing file
 * or heading, user pages name no store table, and the README stays short.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import type { ICredentialType } from 'n8n-workflow';

const root = resolve(__dirname, '../..');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
	name: string;
	repository?: { url?: string };
	n8n: { nodes: string[]; credentials: string[] };
};

/** `git+https://github.com/o/r.git` → `https://github.com/o/r/blob/main/`: where the codex links point. */
function docsBaseUrl(): string {
	const url = packageJson.repository?.url ?? '';
	const https = url.replace(/^git\+/, '').replace(/\.git$/, '');
	if (!/^https:\/\/github\.com\/[^/]+\/[^/]+$/.test(https)) throw new Error(`package.json repository.url is not a GitHub URL: "${url}"`);
	return `${https}/blob/main/`;
}

/** `CrmSync` → `crm-sync`: the page name of a node folder. */
function kebab(name: string): string {
	return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** `dist/nodes/CrmSync/CrmSync.node.js` → `CrmSync`. */
function nodeFolder(distPath: string): string {
	const match = /^dist\/nodes\/([^/]+)\/\1\.node\.js$/.exec(distPath);
	if (!match) throw new Error(`Unexpected node path in package.json: ${distPath}`);
	return match[1];
}

/** The repository file a URL on the repository points at, or undefined for a URL elsewhere. */
function repositoryFile(url: string): string | undefined {
	const base = docsBaseUrl();
	if (!url.startsWith(base)) return undefined;
	return url.slice(base.length).split('#')[0];
}

function markdownFiles(folder: string): string[] {
	if (!existsSync(folder)) return [];
	return readdirSync(folder).flatMap((entry) => {
		const path = join(folder, entry);
		if (statSync(path).isDirectory()) return markdownFiles(path);
		return entry.endsWith('.md') ? [path] : [];
	});
}

/** Targets of inline markdown links `[text](target)` outside code blocks and code spans. */
function linkTargets(markdown: string): string[] {
	const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
	return [...prose.matchAll(/\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
	const seen = new Map<string, number>();
	const anchors = new Set<string>();
	const prose = markdown.replace(/```[\s\S]*?```/g, '');
	for (const match of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
		const base = match[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
		const count = seen.get(base) ?? 0;
		seen.set(base, count + 1);
		anchors.add(count === 0 ? base : `${base}-${count}`);
	}
	return anchors;
}

/** Why a link target is broken (a missing file, or a heading the markdown file does not have), or undefined. */
function brokenTarget(page: string, target: string): string | undefined {
	if (target.startsWith('mailto:')) return undefined;
	let file: string;
	if (/^https?:\/\//.test(target)) {
		const inRepository = repositoryFile(target);
		if (inRepository === undefined) return undefined;
		file = join(root, inRepository);
	} else {
		const path = decodeURIComponent(target.split('#')[0]);
		file = path === '' ? page : resolve(dirname(page), path);
	}
	if (!existsSync(file)) return 'missing file';
	const anchor = target.includes('#') ? decodeURIComponent(target.slice(target.indexOf('#') + 1)) : '';
	if (anchor === '' || !file.endsWith('.md') || statSync(file).isDirectory()) return undefined;
	return headingAnchors(readFileSync(file, 'utf8')).has(anchor.toLowerCase()) ? undefined : 'missing heading';
}

/** Links of one page that lead to no file of the repository, or to a heading its file lacks. */
function brokenLinks(page: string): string[] {
	return linkTargets(readFileSync(page, 'utf8')).flatMap((target) => {
		const reason = brokenTarget(page, target);
		return reason ? [`${target} (${reason})`] : [];
	});
}

/** Every state store table the migrations under lib/ create. */
function storeTables(): Set<string> {
	const sources = (folder: string): string[] =>
		readdirSync(folder).flatMap((entry) => {
			const path = join(folder, entry);
			if (statSync(path).isDirectory()) return sources(path);
			return entry.endsWith('.ts') ? [path] : [];
		});
	const names = sources(join(root, 'lib')).flatMap((file) =>
		[...readFileSync(file, 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z_][a-z0-9_]*)/gi)].map((match) => match[1].toLowerCase()),
	);
	return new Set(names);
}

/** Code spans of a page that name a store table: user pages speak of what is kept, not where. */
function tableNamesIn(markdown: string, tables: Set<string>): string[] {
	const spans = [...markdown.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map((match) => match[1]);
	return spans.filter((span) => span.toLowerCase().split(/[^a-z0-9_]+/).some((word) => tables.has(word)));
}

describe('docs a user can find', () => {
	test('every node in package.json has a page under docs/nodes/', () => {
		const missing = packageJson.n8n.nodes
			.map((path) => `docs/nodes/${kebab(nodeFolder(path))}.md`)
			.filter((page) => !existsSync(join(root, page)));
		expect(missing).toEqual([]);
	});

	const packageName = packageJson.name;
	test("every node's page shows its panel, and each template on the canvas is on the page of every package node it uses", () => {
		const shows = (page: string, image: string) => readFileSync(join(root, 'docs/nodes', `${page}.md`), 'utf8').includes(`](../images/${image})`);
		const missing = packageJson.n8n.nodes.flatMap((path) => {
			const page = kebab(nodeFolder(path));
			const image = `nodes/${page}.png`;
			return [...(existsSync(join(root, 'docs/images', image)) ? [] : [`docs/images/${image} is missing (the browser suite takes it: test/browser/editor.test.ts)`]), ...(shows(page, image) ? [] : [`docs/nodes/${page}.md does not show ${image}`])];
		});
		for (const file of readdirSync(join(root, 'workflows')).filter((name) => name.endsWith('.json'))) {
			const image = `templates/${file.replace(/\.json$/, '.png')}`;
			if (!existsSync(join(root, 'docs/images', image))) missing.push(`docs/images/${image} is missing (the browser suite takes it: test/browser/editor.test.ts)`);
			const workflow = JSON.parse(readFileSync(join(root, 'workflows', file), 'utf8')) as { nodes: Array<{ type: string }> };
			const pages = new Set(workflow.nodes.filter((node) => node.type.startsWith(`${packageName}.`)).map((node) => kebab(node.type.slice(packageName.length + 1))));
			for (const page of pages) if (!shows(page, image)) missing.push(`docs/nodes/${page}.md does not show ${image}`);
		}
		expect(missing).toEqual([]);
	});

	test('every screenshot the browser suite takes by name is in docs/images and shown on a docs page', () => {
		const suite = readFileSync(join(root, 'test/browser/editor.test.ts'), 'utf8');
		const named = [...suite.matchAll(/imagesDir, (?:'(nodes|templates)', )?'([a-z0-9-]+\.png)'/g)].map((match) => (match[1] ? `${match[1]}/${match[2]}` : match[2]));
		expect(named.length).toBeGreaterThan(0);
		const pages = [...readdirSync(join(root, 'docs/nodes')).map((file) => `docs/nodes/${file}`), ...readdirSync(join(root, 'docs/platforms')).map((file) => `docs/platforms/${file}`)];
		const text = pages.map((page) => readFileSync(join(root, page), 'utf8')).join('\n');
		const missing = named.flatMap((image) => [
			...(existsSync(join(root, 'docs/images', image)) ? [] : [`docs/images/${image} is missing (the browser suite takes it: test/browser/editor.test.ts)`]),
			...(text.includes(`](../images/${image})`) ? [] : [`no docs page shows ${image}`]),
		]);
		expect(missing).toEqual([]);
	});

	test("every node's codex documentation link points at its own page in this repository", () => {
		const wrong = packageJson.n8n.nodes.flatMap((path) => {
			const folder = nodeFolder(path);
			const codexPath = join(root, 'nodes', folder, `${folder}.node.json`);
			const codex = JSON.parse(readFileSync(codexPath, 'utf8')) as { resources?: { primaryDocumentation?: Array<{ url: string }> } };
			const urls = (codex.resources?.primaryDocumentation ?? []).map((entry) => entry.url);
			const expected = `${docsBaseUrl()}docs/nodes/${kebab(folder)}.md`;
			if (urls.length === 0) return [`${folder}: no primaryDocumentation`];
			return urls.filter((url) => url.split('#')[0] !== expected).map((url) => `${folder}: ${url} (expected ${expected})`);
		});
		expect(wrong).toEqual([]);
	});

	test("every credential's documentation URL points at an existing docs/platforms page", () => {
		const wrong = packageJson.n8n.credentials.flatMap((path) => {
			const source = join(root, path.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
			const exported = require(source) as Record<string, new () => ICredentialType>;
			return Object.values(exported).flatMap((CredentialClass) => {
				const credential = new CredentialClass();
				const file = repositoryFile(credential.documentationUrl ?? '');
				if (file === undefined || !file.startsWith('docs/platforms/')) return [`${credential.name}: ${credential.documentationUrl} is not a docs/platforms page of this repository`];
				return existsSync(join(root, file)) ? [] : [`${credential.name}: ${file} does not exist`];
			});
		});
		expect(wrong).toEqual([]);
	});

	test('every vendor folder in lib/platforms has a page under docs/platforms/', () => {
		const platforms = join(root, 'lib/platforms');
		const vendors = readdirSync(platforms).filter((entry) => entry !== 'catalog' && statSync(join(platforms, entry)).isDirectory());
		expect(vendors.length).toBeGreaterThan(0);
		expect(vendors.filter((vendor) => !existsSync(join(root, 'docs/platforms', `${vendor}.md`)))).toEqual([]);
	});

	test('no docs page, README or CONTRIBUTING links to a missing file or heading', () => {
		const pages = [...markdownFiles(join(root, 'docs')), join(root, 'README.md'), join(root, 'CONTRIBUTING.md')];
		expect(pages.length).toBeGreaterThan(2);
		const broken = pages.flatMap((page) => brokenLinks(page).map((target) => `${relative(root, page)} → ${target}`));
		expect(broken).toEqual([]);
	});

	test('user pages name no state store table (those belong in docs/architecture.md)', () => {
		const tables = storeTables();
		expect(tables.has('id_map')).toBe(true);
		const pages = [...markdownFiles(join(root, 'docs/nodes')), ...markdownFiles(join(root, 'docs/platforms')), join(root, 'README.md')];
		const found = pages.flatMap((page) => tableNamesIn(readFileSync(page, 'utf8'), tables).map((span) => `${relative(root, page)}: \`${span}\``));
		expect(found).toEqual([]);
	});

	test('README.md stays within 10,000 characters', () => {
		expect(readFileSync(join(root, 'README.md'), 'utf8').length).toBeLessThanOrEqual(10_000);
	});
});

describe('the link check itself', () => {
	test('finds inline links, skips code, keeps anchors out of the file name', () => {
		const markdown = 'See [a](docs/a.md#x), [b](../b.md "title") and `[no](code.md)`\n```\n[no](block.md)\n```\n[web](https://example.com)';
		expect(linkTargets(markdown)).toEqual(['docs/a.md#x', '../b.md', 'https://example.com']);
	});

	test("names headings as GitHub does", () => {
		const markdown = '# Integration State Store (PostgreSQL)\n## Set up the credential\n## Limits\n## Limits\n```\n# not a heading\n```';
		expect([...headingAnchors(markdown)]).toEqual(['integration-state-store-postgresql', 'set-up-the-credential', 'limits', 'limits-1']);
	});
});

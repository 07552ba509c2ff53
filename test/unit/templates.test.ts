/**
 * The templates in workflows/ reach real systems: no "No Operation" node stands in for one (a branch either ends,
 * with the sticky note saying what a user may attach, or reaches a system: Send Email, the Event Router, a vendor),
 * and every Send Email node names the SMTP credential the demo and the e2e tests give it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const folder = resolve(__dirname, '../../workflows');

interface TemplateNode {
	name: string;
	type: string;
	credentials?: Record<string, { name?: string }>;
}

const templates = readdirSync(folder)
	.filter((file) => file.endsWith('.json'))
	.map((file) => ({ file, nodes: (JSON.parse(readFileSync(join(folder, file), 'utf8')) as { nodes: TemplateNode[] }).nodes }));

test('the templates are there to check', () => {
	expect(templates.length).toBeGreaterThan(20);
});

test('no template has a No Operation node standing in for a system', () => {
	const placeholders = templates.flatMap(({ file, nodes }) => nodes.filter((node) => node.type === 'n8n-nodes-base.noOp').map((node) => `${file}: ${node.name}`));
	expect(placeholders).toEqual([]);
});

test('every Send Email node uses the SMTP account credential', () => {
	const wrong = templates.flatMap(({ file, nodes }) =>
		nodes.filter((node) => node.type === 'n8n-nodes-base.emailSend' && node.credentials?.smtp?.name !== 'SMTP account').map((node) => `${file}: ${node.name}`),
	);
	expect(wrong).toEqual([]);
});

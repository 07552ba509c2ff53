/**
 * Social Publisher in the real n8n: the content-calendar template, its schedule fired, reads the due posts from a
 * queue and publishes each to the X, LinkedIn, Facebook and Instagram sandboxes through the four credentials (three
 * OAuth2, one Page token). The first run's publish to every platform loses its answer after the post landed; the
 * post is found, not published again. A second run of the schedule publishes nothing more; each channel's post is
 * metered once. Delete Post then deletes it from all four, once.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { UsageMeter } from '../../lib/metering';
import { openStore } from '../../lib/store';
import { startN8n, type N8nServer } from '../harness/n8nServer';
import type { WorkflowJson } from '../harness/workflowJson';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { socialN8nCredential, socialPlatforms, type SocialPlatform } from '../support/social';

jest.setTimeout(600_000);

const repoRoot = path.join(__dirname, '../..');
let n8n: N8nServer;
let sandboxes: Record<SocialPlatform, RunningSandbox>;
let queue: Server;
let queueUrl: string;
let workflowId: string;
let credentials: Record<string, string>;

const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);

/** Where each sandbox keeps what was published, and the request that publishes. */
const published: Record<SocialPlatform, { collection: string; create: { method: string; path: string } }> = {
	x: { collection: 'tweets', create: { method: 'POST', path: '^/2/tweets$' } },
	linkedin: { collection: 'posts', create: { method: 'POST', path: '^/rest/posts$' } },
	facebook: { collection: 'posts', create: { method: 'POST', path: '/photos$' } },
	instagram: { collection: 'media', create: { method: 'POST', path: '/media_publish$' } },
};


beforeAll(async () => {
	const started = await Promise.all(socialPlatforms.map((name) => startSandbox(name)));
	sandboxes = Object.fromEntries(socialPlatforms.map((name, index) => [name, started[index]])) as Record<SocialPlatform, RunningSandbox>;
	// The user's queue: one post due now; and the image it names.
	queue = createServer((request, response) => {
		if (request.url === '/sale.jpg') {
			response.writeHead(200, { 'content-type': 'image/jpeg' });
			response.end(jpeg);
			return;
		}
		response.writeHead(200, { 'content-type': 'application/json' });
		response.end(JSON.stringify([{ postId: 'calendar-2026-12-24', text: 'Christmas Eve: everything 20% off until midnight', link: 'https://shop.example.com/xmas', imageUrl: `${queueUrl}/sale.jpg`, altText: 'A gift box' }]));
	});
	await new Promise<void>((resolve) => queue.listen(0, '127.0.0.1', resolve));
	queueUrl = `http://127.0.0.1:${(queue.address() as AddressInfo).port}`;
	n8n = await startN8n();
	credentials = {};
	for (const platform of socialPlatforms) {
		const { type, data } = socialN8nCredential(platform, sandboxes[platform]);
		credentials[type] = await n8n.createCredential(type, `${platform} sandbox`, data);
	}
	const template = JSON.parse(readFileSync(path.join(repoRoot, 'workflows', 'social-content-calendar.json'), 'utf8')) as WorkflowJson;
	const queued = { ...template, nodes: template.nodes.map((node) => (node.name === 'Queued Posts' ? { ...node, parameters: { ...node.parameters, url: `${queueUrl}/due` } } : node)) };
	workflowId = await n8n.importWorkflow(queued, { credentials });
});

afterAll(async () => {
	await n8n?.stop();
	await new Promise((resolve) => queue?.close(resolve));
	await Promise.all(Object.values(sandboxes ?? {}).map((sandbox) => sandbox.close()));
});

test('one queued post is published once to each of the four sandboxes, across a lost answer and a second run', async () => {
	for (const platform of socialPlatforms) await new SandboxControl(sandboxes[platform].baseUrl).fault({ kind: 'lost_response', match: published[platform].create });

	const first = await n8n.runManual(workflowId, 'Every 15 Minutes');
	expect(first.error).toBeUndefined();
	const [outcome] = first.outputs['Publish to Channels'][0].map((item) => item.json as { postId: string; failed: number; results: Array<{ platform: string; ok: boolean; url: string; replayed: boolean; usageEventId: string }> });
	expect(outcome).toMatchObject({ postId: 'calendar-2026-12-24', failed: 0 });
	expect(outcome.results.map((result) => [result.platform, result.ok, result.replayed])).toEqual(socialPlatforms.map((platform) => [platform, true, false]));
	expect(outcome.results.find((result) => result.platform === 'x')?.url).toMatch(/^https:\/\/x\.com\/sandboxbrand\/status\/\d+$/);
	expect(first.outputs['Meter Posts'][0]).toHaveLength(4);

	const second = await n8n.runManual(workflowId, 'Every 15 Minutes');
	expect(second.error).toBeUndefined();
	const [again] = second.outputs['Publish to Channels'][0].map((item) => item.json as typeof outcome);
	expect(again.results.map((result) => [result.platform, result.replayed])).toEqual(socialPlatforms.map((platform) => [platform, true]));

	for (const platform of socialPlatforms) {
		const control = new SandboxControl(sandboxes[platform].baseUrl);
		expect([platform, (await control.state<unknown[]>(published[platform].collection)).length]).toEqual([platform, 1]);
		const creates = (await control.requests()).filter((request) => request.method === published[platform].create.method && new RegExp(published[platform].create.path).test(request.path));
		expect([platform, creates.length]).toEqual([platform, 1]);
	}
	// X and LinkedIn got the image uploaded by n8n; Instagram's and Facebook's name its URL.
	expect(await new SandboxControl(sandboxes.x.baseUrl).state<unknown[]>('media')).toHaveLength(1);
	expect(await new SandboxControl(sandboxes.linkedin.baseUrl).state<Array<{ status: string }>>('images')).toEqual([expect.objectContaining({ status: 'AVAILABLE' })]);

	const store = await openStore(n8n.stateStore, allMigrations);
	const meter = new UsageMeter({ db: store.db, namespace: 'demo' });
	expect(await meter.repository.countEvents('demo')).toBe(4);
});

test('Delete Post deletes the post from the four platforms; run again, it sends nothing', async () => {
	const deleteWorkflow = {
		name: 'Delete a calendar post',
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				name: 'Delete Post',
				type: 'n8n-nodes-integration-automation.socialPublisher',
				typeVersion: 1,
				position: [240, 0],
				parameters: { operation: 'delete', platforms: [...socialPlatforms], postId: 'calendar-2026-12-24' },
				credentials: Object.fromEntries(Object.keys(credentials).map((type) => [type, { id: '', name: type }])),
			},
		],
		connections: { Start: { main: [[{ node: 'Delete Post', type: 'main', index: 0 }]] } },
	};
	const deleteId = await n8n.importWorkflow(deleteWorkflow, { credentials });
	const first = await n8n.runManual(deleteId);
	expect(first.error).toBeUndefined();
	const [deleted] = first.outputs['Delete Post'][0].map((item) => item.json as { deleted: Array<{ platform: string; alreadyDeleted: boolean }> });
	expect(deleted.deleted.map((entry) => [entry.platform, entry.alreadyDeleted])).toEqual(socialPlatforms.map((platform) => [platform, false]));
	for (const platform of socialPlatforms) expect([platform, await new SandboxControl(sandboxes[platform].baseUrl).state<unknown[]>(published[platform].collection)]).toEqual([platform, []]);
	const again = await n8n.runManual(deleteId);
	const [repeated] = again.outputs['Delete Post'][0].map((item) => item.json as typeof deleted);
	expect(repeated.deleted.every((entry) => entry.alreadyDeleted)).toBe(true);
	for (const platform of socialPlatforms) {
		const deletes = (await new SandboxControl(sandboxes[platform].baseUrl).requests()).filter((request) => request.method === 'DELETE');
		expect([platform, deletes.length]).toEqual([platform, 1]);
	}
});

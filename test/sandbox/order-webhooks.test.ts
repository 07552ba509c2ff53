/**
 * The Order Trigger's engine (lib/triggers) against the Shopify, WooCommerce and BigCommerce sandboxes, without n8n:
 * registration through each store's API, verification of each delivery on its raw bytes (forged, tampered, unsigned
 * and malformed refused), one acceptance per delivery id, events told apart on a shared topic, and deletion.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allMigrations } from '../../lib/migrations';
import { connectStandalone, platformDefinition } from '../../lib/platforms/catalog';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { Transport } from '../../lib/transport';
import { existingHook, orderWebhookScheme, receiveDelivery, registerHook, removeHook, type DeliveryOutcome, type HookRegistration, type OrderEventKind } from '../../lib/triggers';
import { bigCommerceStoreHash } from './bigcommerce';
import { SandboxControl } from './framework/controlClient';
import { startSandbox, type RunningSandbox } from './registry';
import { shopifyApiVersion } from './shopify';

type Platform = 'shopify' | 'woocommerce' | 'bigcommerce';

const apiBase: Record<Platform, (sandbox: RunningSandbox) => string> = {
	shopify: (sandbox) => `${sandbox.baseUrl}/admin/api/${shopifyApiVersion}`,
	woocommerce: (sandbox) => `${sandbox.baseUrl}/wp-json/wc/v3`,
	bigcommerce: (sandbox) => `${sandbox.baseUrl}/stores/${bigCommerceStoreHash}/v3`,
};

/** A receiver standing in for the trigger's webhook: every delivery's outcome, in arrival order. */
class Receiver {
	readonly outcomes: Array<DeliveryOutcome<OrderEventKind>> = [];
	registration: Partial<HookRegistration> = {};
	url = '';
	private server?: Server;

	constructor(
		private readonly store: StateStore,
		private readonly platform: Platform,
		private readonly event: OrderEventKind,
		private readonly credentialSecret?: string,
	) {}

	async listen(): Promise<string> {
		this.server = createServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				void receiveDelivery(this.store, orderWebhookScheme(this.platform), {
					event: this.event,
					url: this.url,
					triggerKey: `test:${this.platform}:${this.event}`,
					header: (name) => {
						const value = request.headers[name];
						return Array.isArray(value) ? value[0] : value;
					},
					rawBody: Buffer.concat(chunks),
					registration: this.registration,
					credentialSecret: this.credentialSecret,
				}).then((outcome) => {
					this.outcomes.push(outcome);
					response.statusCode = outcome.outcome === 'refused' ? 401 : 200;
					response.end(JSON.stringify(outcome));
				});
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook`;
		return this.url;
	}

	async close(): Promise<void> {
		await new Promise((resolve) => this.server?.close(resolve));
	}
}

let store: StateStore;
const sandboxes = {} as Record<Platform, RunningSandbox>;
const controls = {} as Record<Platform, SandboxControl>;

beforeAll(async () => {
	store = await openStore({ kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'order-webhooks-')), 'state.sqlite') }, allMigrations);
	for (const platform of ['shopify', 'woocommerce', 'bigcommerce'] as const) {
		sandboxes[platform] = await startSandbox(platform);
		controls[platform] = new SandboxControl(sandboxes[platform].baseUrl);
	}
});

afterAll(async () => {
	await closeAllStores();
	await Promise.all(Object.values(sandboxes).map((sandbox) => sandbox.close()));
});

function transportFor(platform: Platform): Transport {
	const sandbox = sandboxes[platform];
	const baseUrl = apiBase[platform](sandbox);
	const { client } = connectStandalone(platform, { ...sandbox.credentials, baseUrl });
	return new Transport({ profile: platformDefinition(platform).profile(), client, baseUrl, accountKey: `test-${platform}` });
}

async function delivered(platform: Platform, url: string, count: number) {
	const deliveries = (await controls[platform].webhooks()).deliveries.filter((delivery) => delivery.url === url);
	expect(deliveries).toHaveLength(count);
	return deliveries;
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
	await response.text();
	return response.status;
}

const cases: Array<{ platform: Platform; event: OrderEventKind; emit: Record<string, unknown>; other?: Record<string, unknown>; orderId: string }> = [
	{ platform: 'shopify', event: 'refunded', emit: { topic: 'refunds/create', payload: { id: 77, order_id: 5001 }, times: 2 }, orderId: '5001' },
	{ platform: 'woocommerce', event: 'cancelled', emit: { topic: 'order.updated', payload: { id: 42, status: 'cancelled' }, times: 2 }, other: { topic: 'order.updated', payload: { id: 43, status: 'completed' } }, orderId: '42' },
	{ platform: 'bigcommerce', event: 'cancelled', emit: { scope: 'store/order/statusUpdated', orderId: 250, newStatusId: 5, times: 2 }, other: { scope: 'store/order/statusUpdated', orderId: 251, newStatusId: 10 }, orderId: '250' },
];

describe.each(cases)('order webhooks on $platform (order $event)', ({ platform, event, emit, other, orderId }) => {
	let receiver: Receiver;
	let url: string;

	beforeAll(async () => {
		receiver = new Receiver(store, platform, event, sandboxes[platform].credentials.webhookSecret);
		url = await receiver.listen();
	});

	afterAll(async () => {
		await receiver.close();
	});

	it('registers with the store once; a second activation finds the registration', async () => {
		const transport = transportFor(platform);
		const scheme = orderWebhookScheme(platform);
		expect(await existingHook(transport, scheme, event, url, {})).toBeUndefined();
		receiver.registration = await registerHook(transport, scheme, event, url);
		expect(await existingHook(transport, scheme, event, url, receiver.registration)).toEqual(receiver.registration);
	});

	it('accepts an event once though the store delivers it twice', async () => {
		await controls[platform].emitEvent(emit);
		const deliveries = await delivered(platform, url, 2);
		expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
		expect(receiver.outcomes.map((outcome) => outcome.outcome).sort()).toEqual(['accepted', 'skipped']);
		const accepted = receiver.outcomes.find((outcome) => outcome.outcome === 'accepted');
		expect(accepted).toMatchObject({ events: [{ platform, event, subjectId: orderId }] });
	});

	it('refuses the same delivery with no signature', async () => {
		const [first] = await delivered(platform, url, 2);
		const unsigned = Object.fromEntries(Object.entries(first.headers).filter(([name]) => !/signature|hmac|secret/i.test(name)));
		expect(Object.keys(unsigned).length).toBeLessThan(Object.keys(first.headers).length);
		expect(await post(url, unsigned, first.body)).toBe(401);
	});

	// BigCommerce signs no body (its secret header proves only the sender), so only the HMAC vendors can detect this.
	if (platform !== 'bigcommerce') {
		it('refuses the same delivery with its body changed by one byte', async () => {
			const [first] = await delivered(platform, url, 2);
			const tampered = first.body.replace(orderId, String(Number(orderId) + 1));
			expect(tampered).not.toBe(first.body);
			expect(await post(url, first.headers, tampered)).toBe(401);
		});
	}

	if (other) {
		it('lets an event of another kind on the same topic through to nothing', async () => {
			const before = receiver.outcomes.length;
			await controls[platform].emitEvent(other);
			await delivered(platform, url, 3);
			expect(receiver.outcomes.slice(before)).toEqual([{ outcome: 'skipped', reason: expect.stringMatching(new RegExp(`is not ${event}$`)) }]);
		});
	}

	it('deletes its registration', async () => {
		const transport = transportFor(platform);
		const scheme = orderWebhookScheme(platform);
		await removeHook(transport, scheme, receiver.registration.hookId!);
		expect(await existingHook(transport, scheme, event, url, receiver.registration)).toBeUndefined();
		await removeHook(transport, scheme, receiver.registration.hookId!);
	});
});

it('a WooCommerce webhook whose secret was lost is deleted, so that a fresh one replaces it', async () => {
	const transport = transportFor('woocommerce');
	const url = 'http://127.0.0.1:9/lost-secret';
	const scheme = orderWebhookScheme('woocommerce');
	const registration = await registerHook(transport, scheme, 'created', url);
	expect(await existingHook(transport, scheme, 'created', url, { hookId: registration.hookId })).toBeUndefined();
	expect((await controls.woocommerce.state<Array<{ delivery_url: string }>>('webhooks')).filter((hook) => hook.delivery_url === url)).toEqual([]);
});

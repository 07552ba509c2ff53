/**
 * Order lines are checked by type, never dropped or reinterpreted (issue 21 §2): a signed order whose line has quantity
 * -3, "2", 1.5 or no SKU is refused whole, naming the line and field, and no store sees a write. The fan-out's own
 * entry point refuses malformed movements the same way, so a standalone caller cannot bypass the check.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';

import { InventoryFanOut, readOrderWebhook, type OrderWebhookSource, type StockMovement } from '../../lib/inventory';
import { allMigrations } from '../../lib/migrations';
import type { InventoryConnector, StockChange } from '../../lib/platforms/inventory';
import { InputError } from '../../lib/records/inputSchema';
import { closeAllStores, openStore, type StateStore } from '../../lib/store';
import { malformedId, malformedQuantity } from '../support/malformed';

const secret = 'order-secret';
const signatureHeader: Record<OrderWebhookSource, string> = { shopify: 'x-shopify-hmac-sha256', woocommerce: 'x-wc-webhook-signature' };

function signed(source: OrderWebhookSource, order: unknown) {
	const body = JSON.stringify(order);
	return { headers: { [signatureHeader[source]]: createHmac('sha256', secret).update(body).digest('base64') }, body };
}

function read(source: OrderWebhookSource, order: unknown) {
	const delivery = signed(source, order);
	return readOrderWebhook(source, delivery.headers, delivery.body, secret);
}

const goodLine = { id: 11, sku: 'TEE-M', quantity: 2 };
const malformedSku = fc.oneof(fc.constantFrom(undefined, null, '', '  ', true), fc.integer(), fc.object({ maxDepth: 1 }));
// JSON drops undefined and turns NaN into null: what a vendor can send is what JSON can carry.
const overTheWire = (value: unknown) => value !== undefined && !(typeof value === 'number' && !Number.isFinite(value));

describe.each(['shopify', 'woocommerce'] as const)('a signed %s order', (source) => {
	test.each([
		['quantity', malformedQuantity],
		['sku', malformedSku],
		['id', malformedId],
	] as const)('with a malformed line %s is refused whole, naming the line and field', (field, values) => {
		fc.assert(
			fc.property(values, fc.nat({ max: 2 }), (value, position) => {
				const lines = [goodLine, { ...goodLine, id: 12 }];
				lines.splice(position, 0, { ...goodLine, id: 99, [field]: value });
				const check = read(source, { id: 5001, line_items: lines });
				expect(check.valid).toBe(false);
				if (check.valid) return;
				expect(check.signed).toBe(true);
				expect(check.violations?.map((violation) => violation.field)).toEqual([`line_items[${position}].${field}`]);
				expect(check.reason).toContain(`line_items[${position}].${field}`);
			}),
			{ numRuns: 80 },
		);
	});

	test('without an order id, or with line_items that are not a list, is refused naming the field', () => {
		fc.assert(
			fc.property(malformedId.filter(overTheWire), (orderId) => {
				const check = read(source, { id: orderId, line_items: [goodLine] });
				expect(check).toMatchObject({ valid: false, signed: true, violations: [{ field: 'id' }] });
			}),
		);
		expect(read(source, { id: 1, line_items: { 0: goodLine } })).toMatchObject({ valid: false, violations: [{ field: 'line_items' }] });
	});

	test('the examples of the issue: -3, "2", 1.5 and no SKU are each refused, never read as another quantity', () => {
		for (const line of [{ quantity: -3 }, { quantity: '2' }, { quantity: 1.5 }, { sku: null }]) {
			expect(read(source, { id: 1, line_items: [{ ...goodLine, ...line }] })).toMatchObject({ valid: false, signed: true });
		}
		expect(read(source, { id: 1, line_items: [{ ...goodLine, quantity: -3 }] })).toMatchObject({ received: { orderId: '1', lines: [{ lineId: '11', sku: 'TEE-M', quantity: -3 }] } });
		expect(read(source, { id: 1, line_items: [goodLine] })).toMatchObject({ valid: true, order: { orderId: '1', lines: [{ lineId: '11', sku: 'TEE-M', quantity: 2 }] } });
	});
});

test('a forged order is still refused for its signature, before its lines are read', () => {
	const delivery = signed('shopify', { id: 1, line_items: [{ ...goodLine, quantity: -3 }] });
	expect(readOrderWebhook('shopify', delivery.headers, delivery.body, 'another-secret')).toEqual({ valid: false, signed: false, reason: 'signature does not match the body' });
});

describe('the fan-out entry point', () => {
	let store: StateStore;
	beforeAll(async () => {
		store = await openStore({ kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'inputs-inventory-')), 'state.sqlite') }, allMigrations);
	});
	afterAll(() => closeAllStores());

	/** A store that records every call and never changes anything. */
	function recordingStore(platform: string): InventoryConnector & { calls: string[] } {
		const calls: string[] = [];
		const change = async (name: string, sku: string): Promise<StockChange> => {
			calls.push(`${name} ${sku}`);
			return { previous: 10, next: 10 };
		};
		return {
			platform,
			adjustPrimitive: 'relative',
			compareAndSet: false,
			calls,
			getQuantity: async (sku: string) => (calls.push(`get ${sku}`), 10),
			adjust: (sku: string) => change('adjust', sku),
			set: (sku: string) => change('set', sku),
		} as InventoryConnector & { calls: string[] };
	}

	const good: StockMovement = { orderId: 'o-1', lineId: 'l-1', sku: 'TEE-M', quantity: 1 };

	test.each([
		['quantity', 'sale', malformedQuantity],
		['sku', 'sale', malformedSku],
		['orderId', 'refund', malformedId],
		['lineId', 'restock', malformedId],
		['quantity', 'correction', fc.oneof(fc.constant(0), malformedQuantity.filter((value) => typeof value !== 'number' || value >= 0))],
	] as const)('refuses a movement with a malformed %s (%s) and writes nothing', async (field, kind, values) => {
		const connectors = [recordingStore('shopify'), recordingStore('woocommerce')];
		const fanOut = new InventoryFanOut({ db: store.db, stores: connectors.map((connector, index) => ({ id: `s${index}`, connector })) });
		await fc.assert(
			fc.asyncProperty(values, async (value) => {
				const movements = [good, { ...good, lineId: 'l-2', kind, [field]: value }] as StockMovement[];
				const error = await fanOut.apply(movements).then(
					() => undefined,
					(caught: unknown) => caught,
				);
				expect(error).toBeInstanceOf(InputError);
				expect((error as InputError).violations.map((violation) => violation.field)).toEqual([`movements[1].${field}`]);
			}),
			{ numRuns: 50 },
		);
		expect(connectors.flatMap((connector) => connector.calls)).toEqual([]);
		expect(await store.db.query("SELECT * FROM inventory_movements")).toEqual([]);
	});
});

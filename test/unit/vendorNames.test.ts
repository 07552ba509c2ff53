/**
 * Vendors are named by their declarations, not by the node files: the trigger notices come from each vendor's webhook
 * scheme (what to set up, which events it cannot send), Inventory Fan-out's location placeholders from each store's
 * inventory declaration, and the files that had them written by hand name no vendor any more.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { INodeProperties, INodeType } from 'n8n-workflow';

import { platformCatalog, platformsServing } from '../../lib/platforms/catalog';
import { CrmEventTrigger } from '../../nodes/CrmEventTrigger/CrmEventTrigger.node';
import { InventoryFanOut } from '../../nodes/InventoryFanOut/InventoryFanOut.node';
import { OrderTrigger } from '../../nodes/OrderTrigger/OrderTrigger.node';
import { PaymentEventTrigger } from '../../nodes/PaymentEventTrigger/PaymentEventTrigger.node';

const repo = path.resolve(__dirname, '../..');
const notices = (node: INodeType) => node.description.properties.filter((property) => property.type === 'notice' && property.name !== 'stateStoreNotice');
const eventValues = (node: INodeType) => (node.description.properties.find((property) => property.name === 'event')?.options ?? []).map((option) => String((option as { value: string }).value));

describe.each([
	['CRM Event Trigger', new CrmEventTrigger(), 'crmWebhooks'],
	['Order Trigger', new OrderTrigger(), 'orderWebhooks'],
	['Payment Event Trigger', new PaymentEventTrigger(), 'paymentWebhooks'],
] as const)('%s', (_name, node, kind) => {
	it('shows exactly the notices its vendors declare: each setup notice for its vendor, each missing-events notice for the events it lacks', () => {
		const expected: Array<Pick<INodeProperties, 'name' | 'displayName' | 'displayOptions'>> = platformsServing(kind).flatMap((definition) => {
			const scheme = definition[kind]!;
			const missing = eventValues(node).filter((event) => !(event in scheme.events));
			// A vendor's notices hold for a list of its stores too (the Order Trigger takes store lists).
			const shownFor = [definition.id, ...(kind === 'orderWebhooks' && definition.credentials.storeList ? [`${definition.id}-list`] : [])];
			return [
				...(scheme.setupNotice ? [{ name: `${definition.id}Notice`, displayName: scheme.setupNotice, displayOptions: { show: { platform: shownFor } } }] : []),
				...(scheme.missingEventsNotice && missing.length > 0
					? [{ name: `${definition.id}EventNotice`, displayName: scheme.missingEventsNotice, displayOptions: { show: { platform: shownFor, event: missing } } }]
					: []),
			];
		});
		expect(expected.length).toBeGreaterThan(0);
		expect(notices(node).map(({ name, displayName, displayOptions }) => ({ name, displayName, displayOptions }))).toEqual(expected);
	});

	it('names its vendors in its description as the catalog lists them', () => {
		for (const definition of platformsServing(kind)) expect(node.description.description).toContain(definition.displayName);
	});
});

test('a vendor that cannot send an event says so only for those events (Freshdesk: ticket events only)', () => {
	const freshdesk = notices(new CrmEventTrigger()).find((notice) => notice.name === 'freshdeskEventNotice');
	expect(freshdesk?.displayOptions?.show?.event).toEqual(['company.created', 'company.deleted', 'company.updated', 'contact.created', 'contact.deleted', 'contact.updated', 'ticket.deleted']);
});

test('an event a vendor calls by another name says so, as the vendors declare it', () => {
	const event = new CrmEventTrigger().description.properties.find((property) => property.name === 'event');
	const created = event?.options?.find((option) => (option as { value: string }).value === 'contact.created') as { description?: string } | undefined;
	expect(created?.description).toBe('A contact (Zendesk: a user; Intercom: a user or a lead)');
});

test("Inventory Fan-out's location pickers take their placeholders from the stores' inventory declarations", () => {
	const properties = new InventoryFanOut().description.properties;
	const located = platformsServing('inventory').filter((definition) => definition.inventory?.location);
	expect(located.length).toBeGreaterThan(1);
	for (const definition of located) {
		const picker = properties.find((property) => property.name === `${definition.id}Location`);
		expect(picker?.modes?.find((mode) => mode.name === 'id')?.placeholder).toBe(definition.inventory!.location!.placeholder);
	}
});

/** Every TypeScript file of a node folder. */
const nodeFiles = (node: string): string[] =>
	readdirSync(path.join(repo, 'nodes', node), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts')).map((file) => `nodes/${node}/${file}`);

test('the node files that wrote vendors by hand name none now (comments aside): help texts, defaults, examples and option lists come from the catalog', () => {
	const files = [
		'nodes/CrmEventTrigger/CrmEventTrigger.node.ts',
		'nodes/OrderTrigger/OrderTrigger.node.ts',
		'nodes/PaymentEventTrigger/PaymentEventTrigger.node.ts',
		...['InventoryFanOut', 'CrmSync', 'SmartPaymentRouter', 'MarketingFanOut', 'AccountingSync', 'ConflictResolver'].flatMap(nodeFiles),
	];
	const vendor = new RegExp(`\\b(${platformCatalog.flatMap((definition) => [definition.id, definition.displayName.split(' ')[0]]).filter((name) => name.length > 1).join('|')})\\b`, 'i');
	const named = files.flatMap((file) =>
		readFileSync(path.join(repo, file), 'utf8')
			.replace(/\/\*[\s\S]*?\*\//g, '')
			.split('\n')
			.filter((line) => !/^\s*\/\//.test(line))
			.filter((line) => vendor.test(line))
			.map((line) => `${file}: ${line.trim()}`),
	);
	expect(named).toEqual([]);
});

test("the test helpers list the catalog's inventory and marketing vendors, each with its sandbox's fixture", () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { commercePlatforms } = require('../support/inventoryStores') as typeof import('../support/inventoryStores');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { MARKETING_PLATFORMS } = require('../engine/marketingPlatforms') as typeof import('../engine/marketingPlatforms');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { inventoryFixtures, marketingFixtures } = require('../sandbox/fixtures') as typeof import('../sandbox/fixtures');
	expect(commercePlatforms).toEqual(platformsServing('inventory').map((definition) => definition.id));
	expect(MARKETING_PLATFORMS).toEqual(platformsServing('marketing').map((definition) => definition.id));
	expect(Object.keys(inventoryFixtures).sort()).toEqual([...commercePlatforms].sort());
	expect(Object.keys(marketingFixtures).sort()).toEqual([...MARKETING_PLATFORMS].sort());
	for (const file of ['test/support/inventoryStores.ts', 'test/engine/marketingPlatforms.ts']) {
		const code = readFileSync(path.join(repo, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
		const vendor = new RegExp(`'(${platformCatalog.map((definition) => definition.id).join('|')})'`);
		expect([file, vendor.exec(code)?.[0]]).toEqual([file, undefined]);
	}
});

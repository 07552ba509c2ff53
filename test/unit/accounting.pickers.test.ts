/**
 * What the Accounting Sync pickers list, read from the QuickBooks and Xero sandboxes through each platform's transport
 * and the credential's realm or tenant: accounts, items and tax codes with the id the Options take (QuickBooks Ids, Xero
 * codes and tax types), the search box's filter, and QuickBooks' paging carried through the cursor.
 */
import type { INodeProperties } from 'n8n-workflow';

import { platformDefinition } from '../../lib/platforms/catalog';
import type { PlatformSettings } from '../../lib/platforms/definition';
import type { ResourceOption } from '../../lib/platforms/resources';
import type { StateStore } from '../../lib/store';
import { bearerAuth, FetchHttpClient, Transport } from '../../lib/transport';
import { AccountingSync } from '../../nodes/AccountingSync/AccountingSync.node';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { scratchStore } from '../support/standalone';

let quickbooks: RunningSandbox;
let xero: RunningSandbox;
let store: StateStore;

beforeAll(async () => {
	[quickbooks, xero, store] = await Promise.all([startSandbox('quickbooks'), startSandbox('xero'), scratchStore()]);
});
afterAll(async () => {
	await quickbooks.close();
	await xero.close();
});
beforeEach(async () => {
	await new SandboxControl(quickbooks.baseUrl).reset();
	await new SandboxControl(xero.baseUrl).reset();
});

function transport(platform: 'quickbooks' | 'xero', sandbox: RunningSandbox): Transport {
	return new Transport({ profile: platformDefinition(platform).profile(), client: new FetchHttpClient(bearerAuth(sandbox.credentials.accessToken)), baseUrl: sandbox.baseUrl, accountKey: platform, concurrency: store.concurrency });
}

async function list(platform: 'quickbooks' | 'xero', kind: string, filter?: string, settings?: PlatformSettings): Promise<ResourceOption[]> {
	const sandbox = platform === 'quickbooks' ? quickbooks : xero;
	const lister = platformDefinition(platform).resources?.[kind];
	if (!lister) throw new Error(`${platform} lists no ${kind}`);
	const options: ResourceOption[] = [];
	let cursor: string | undefined;
	let pages = 0;
	do {
		const page = await lister(transport(platform, sandbox), { filter, cursor }, settings ?? { baseUrl: sandbox.baseUrl, ...sandbox.credentials });
		options.push(...page.options);
		cursor = page.next;
		if (++pages > 20) throw new Error('the cursor never ended');
	} while (cursor);
	return options;
}

test('QuickBooks: accounts, items and tax codes by Id, searched by name', async () => {
	expect(await list('quickbooks', 'accounts')).toEqual([
		{ id: '1', name: 'Services (Income)' },
		{ id: '4', name: 'Undeposited Funds (Other Current Asset)' },
		{ id: '35', name: 'Checking (Bank)' },
	]);
	expect(await list('quickbooks', 'accounts', 'check')).toEqual([{ id: '35', name: 'Checking (Bank)' }]);
	expect(await list('quickbooks', 'items')).toEqual([{ id: '1', name: 'Services' }, { id: '2', name: 'Hours' }]);
	expect((await list('quickbooks', 'taxCodes')).map((option) => option.id)).toEqual(['TAX', 'NON']);
});

test('QuickBooks: a long item list is read 100 a page to its end', async () => {
	const client = transport('quickbooks', quickbooks);
	for (let index = 0; index < 230; index++) {
		await client.request({ method: 'POST', url: `/v3/company/${quickbooks.credentials.realmId}/item`, qs: { minorversion: '75' }, body: { Name: `Gadget ${index}`, Type: 'Service', IncomeAccountRef: { value: '1' } } });
	}
	const all = await list('quickbooks', 'items');
	expect(all).toHaveLength(232);
	expect(new Set(all.map((option) => option.id)).size).toBe(232);
	expect((await list('quickbooks', 'items', 'Gadget 22')).map((option) => option.name)).toEqual(['Gadget 22', ...Array.from({ length: 10 }, (_, index) => `Gadget 22${index}`)]);
});

test('Xero: accounts by code, items by code and tax rates by tax type, filtered by what was typed', async () => {
	expect((await list('xero', 'accounts')).map((option) => option.id)).toEqual(['090', '200', '260', '820']);
	expect(await list('xero', 'accounts', 'bank')).toEqual([{ id: '090', name: '090 – Business Bank Account (BANK)' }]);
	expect(await list('xero', 'items')).toEqual([
		{ id: 'MUG-01', name: 'MUG-01 – Coffee mug' },
		{ id: 'POSTER', name: 'POSTER – Poster A2' },
	]);
	expect(await list('xero', 'taxCodes', 'sales')).toEqual([{ id: 'OUTPUT', name: 'Tax on Sales (OUTPUT, 10%)' }]);
});

test('currencies: QuickBooks’ home currency and its active added ones, Xero’s organisation currencies, by ISO code', async () => {
	expect(await list('quickbooks', 'currencies')).toEqual([
		{ id: 'USD', name: 'USD (home currency)' },
		{ id: 'EUR', name: 'EUR – Euro' },
		{ id: 'GBP', name: 'GBP – British Pound Sterling' },
	]);
	expect((await list('quickbooks', 'currencies', 'pound')).map((option) => option.id)).toEqual(['GBP']);
	expect(await list('xero', 'currencies')).toEqual([
		{ id: 'USD', name: 'USD – United States Dollar' },
		{ id: 'EUR', name: 'EUR – Euro' },
		{ id: 'GBP', name: 'GBP – British Pound' },
	]);
});

test('the node’s Currency is the platform’s list where it has one (by expression by default), typed on the others', async () => {
	const node = new AccountingSync();
	const currencies = node.description.properties.filter((property) => property.name === 'currency');
	expect(currencies.map((property) => [property.type, property.default, property.displayOptions?.show?.['/platform']])).toEqual([
		['options', '={{ $json.currency }}', ['quickbooks', 'xero']],
		['string', '={{ $json.currency }}', ['freshbooks']],
	]);
	const method = currencies[0].typeOptions?.loadOptionsMethod as string;
	expect(typeof (node.methods.loadOptions as Record<string, unknown>)[method]).toBe('function');
	expect(currencies[0].typeOptions?.loadOptionsDependsOn).toEqual(['platform']);
});

test('a credential without its realm or tenant is refused naming the field; FreshBooks has no such lists', async () => {
	await expect(list('xero', 'accounts', undefined, { baseUrl: xero.baseUrl })).rejects.toThrow(/Tenant ID is empty/);
	await expect(list('quickbooks', 'items', undefined, { baseUrl: quickbooks.baseUrl, realmId: '' })).rejects.toThrow(/Realm ID is empty/);
	expect(platformDefinition('freshbooks').resources).toBeUndefined();
});

test('the node’s account, item and tax-code options are pickers whose lists the node fills, shown for the platforms that list them', () => {
	const node = new AccountingSync();
	const options = (node.description.properties.find((property) => property.name === 'mappings') as INodeProperties).options as INodeProperties[];
	const pickers = (properties: INodeProperties[]): INodeProperties[] =>
		properties.flatMap((property) => (property.type === 'resourceLocator' ? [property] : property.type === 'fixedCollection' ? ((property.options ?? []) as Array<{ values: INodeProperties[] }>).flatMap((group) => pickers(group.values)) : []));
	const found = pickers(options);
	expect(found.map((property) => property.name)).toEqual(['item', 'taxCode', 'defaultItem', 'salesAccount', 'taxAccount', 'paymentAccount']);
	for (const property of found) {
		const method = property.modes?.find((mode) => mode.name === 'list')?.typeOptions?.searchListMethod as string;
		expect({ name: property.name, method: typeof node.methods.listSearch[method] }).toEqual({ name: property.name, method: 'function' });
	}
	const salesAccount = options.find((property) => property.name === 'salesAccount')!;
	expect(salesAccount.displayOptions).toEqual({ show: { '/platform': ['quickbooks', 'xero'] } });
});

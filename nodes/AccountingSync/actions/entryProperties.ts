import type { INodeProperties } from 'n8n-workflow';

import { namesInSentence, platformsServing } from '../../shared/platformOptions';
import { picker } from '../../shared/resourceLocator';

const LINES_OPERATIONS = ['recordSale', 'recordRefund', 'createInvoice'];
const ENTRY_OPERATIONS = [...LINES_OPERATIONS, 'recordPayment'];
const PARTY_OPERATIONS = [...ENTRY_OPERATIONS, 'upsertCustomer'];

const shownFor = (operations: string[]) => ({ show: { operation: operations } });

/** The listSearch method that lists one kind of the chosen platform's objects (accounts, items, tax codes). */
export const accountingSearchMethods = { accounts: 'searchAccounts', items: 'searchItems', taxCodes: 'searchTaxCodes' } as const;
export type AccountingResource = keyof typeof accountingSearchMethods;
/** What the platforms list for the node: its pickers' objects and its currencies. */
type Listed = AccountingResource | 'currencies';

/** The loadOptions method listing the chosen platform's currencies (the Currency option list). */
export const CURRENCIES_METHOD = 'listCurrencies';

/** The accounting platforms that list this kind of object (FreshBooks posts lines as they come: it has none). */
const listing = (resource: Listed) => platformsServing('accounting').filter((definition) => definition.resources?.[resource]).map((definition) => definition.id);
const notListing = (resource: Listed) => platformsServing('accounting').filter((definition) => !definition.resources?.[resource]).map((definition) => definition.id);

/** Shown for the platforms that list this kind of object. */
const pickable = (resource: AccountingResource) => ({ show: { '/platform': listing(resource) } });

const CURRENCY_DESCRIPTION = 'ISO 4217 code; amounts are read in its units (2 decimals for USD, 0 for JPY, 3 for KWD)';

const accountingPlatforms = platformsServing('accounting');

/** Each platform's word for a mapping's value: "QuickBooks item ID, Xero item code, FreshBooks item ID". */
const termsOf = (term: 'item' | 'taxCode') => accountingPlatforms.map((definition) => `${definition.displayName} ${definition.accounting!.terms[term]}`).join(', ');

/** What each platform uses where the option is left empty: "QuickBooks: the Services item when empty" (none: ''). */
function whenEmpty(option: 'defaultItem' | 'salesAccount' | 'taxAccount' | 'paymentAccount'): string {
	const fallbacks = accountingPlatforms.flatMap((definition) => {
		const fallback = definition.accounting!.terms.whenEmpty?.[option];
		return fallback ? [`${definition.displayName}: ${fallback} when empty`] : [];
	});
	return fallbacks.length > 0 ? ` (${fallbacks.join('; ')})` : '';
}

/** The platforms whose books' changes can be pulled, in a sentence. */
export const changesPlatformNames = namesInSentence(accountingPlatforms.filter((definition) => definition.accounting!.pullsChanges).map((definition) => definition.displayName));

/** A platform id picked from the chosen platform's list, or typed. */
function accountingPicker(displayName: string, name: string, resource: AccountingResource, description: string, placeholder: string): INodeProperties {
	return picker({ displayName, name, description, searchListMethod: accountingSearchMethods[resource], typed: { name: 'id', displayName: 'By Code or ID', placeholder } });
}

/** The parameters every operation reads from its item, each shown for the operations that take it. */
export const entryProperties: INodeProperties[] = [
	{
		displayName: 'Source Transaction ID',
		name: 'sourceId',
		type: 'string',
		required: true,
		default: '={{ $json.sourceId }}',
		displayOptions: shownFor([...ENTRY_OPERATIONS, 'getTransaction']),
		description: 'The order, payment or refund ID in the system it came from: each is recorded once, however often it arrives',
	},
	{
		displayName: 'Post',
		name: 'posting',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Now', value: 'now', description: 'Post the entry in this execution and output it' },
			{
				name: 'In the Next Batch',
				value: 'queue',
				description: 'Queue the entry (output says queued); a Post Queued Entries run posts everything queued in the platform’s batches (where the platform takes several entries a call, 50 sales take 2 calls instead of 100)',
			},
		],
		default: 'now',
		displayOptions: shownFor(LINES_OPERATIONS),
		description: 'When to send the entry to the platform; either way it is posted once per Source Transaction ID',
	},
	{
		displayName: 'Maximum Entries',
		name: 'maxEntries',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1000,
		displayOptions: shownFor(['postQueued']),
		description: 'At most this many queued entries in one run, the oldest first; the rest wait for the next run',
	},
	{
		displayName: 'Changed Since',
		name: 'changedSince',
		type: 'string',
		default: '',
		placeholder: '2026-12-01T00:00:00Z',
		displayOptions: shownFor(['getChanges']),
		description: 'ISO 8601; empty for everything since the last pull (the first reaches back as far as the platform keeps changes). A time given here does not move the bookmark.',
	},
	{
		displayName: 'Transaction Type',
		name: 'transactionKind',
		type: 'options',
		options: [
			{ name: 'Invoice', value: 'invoice' },
			{ name: 'Payment', value: 'payment' },
			{ name: 'Refund', value: 'refund' },
			{ name: 'Sale', value: 'sale' },
		],
		default: 'sale',
		displayOptions: shownFor(['getTransaction']),
		description: 'Which entry of the source transaction to look up',
	},
	{
		displayName: 'Refresh From Platform',
		name: 'refresh',
		type: 'boolean',
		default: false,
		displayOptions: shownFor(['getTransaction']),
		description: 'Whether to also ask the platform for the entry’s current balance and status',
	},
	// Picked from the platform's currencies where it lists them (the item's by expression, as by default), else typed.
	{
		displayName: 'Currency Name or ID',
		name: 'currency',
		type: 'options',
		typeOptions: { loadOptionsMethod: CURRENCIES_METHOD, loadOptionsDependsOn: ['platform'] },
		required: true,
		default: '={{ $json.currency }}',
		displayOptions: { show: { operation: ENTRY_OPERATIONS, '/platform': listing('currencies') } },
		description: `${CURRENCY_DESCRIPTION}: pick one of the platform’s currencies or set it by expression. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
	},
	{
		displayName: 'Currency',
		name: 'currency',
		type: 'string',
		required: true,
		default: '={{ $json.currency }}',
		placeholder: 'USD',
		displayOptions: { show: { operation: ENTRY_OPERATIONS, '/platform': notListing('currencies') } },
		description: CURRENCY_DESCRIPTION,
	},
	{
		displayName: 'Customer Email',
		name: 'customerEmail',
		type: 'string',
		placeholder: 'name@email.com',
		default: '={{ $json.customerEmail }}',
		displayOptions: shownFor(PARTY_OPERATIONS),
		description: 'Matches the customer on the platform (never a second one for the same email); empty records a sale without a customer',
	},
	{
		displayName: 'Customer Name',
		name: 'customerName',
		type: 'string',
		default: '={{ $json.customerName }}',
		displayOptions: shownFor(PARTY_OPERATIONS),
		description: 'The name the platform shows for a customer it does not have yet',
	},
	{
		displayName: 'Company',
		name: 'customerCompany',
		type: 'string',
		default: '',
		displayOptions: shownFor(['upsertCustomer']),
	},
	{
		displayName: 'Phone',
		name: 'customerPhone',
		type: 'string',
		default: '',
		displayOptions: shownFor(['upsertCustomer']),
	},
	{
		displayName: 'Line Items',
		name: 'lines',
		type: 'json',
		required: true,
		default: '={{ $json.lines }}',
		displayOptions: shownFor(LINES_OPERATIONS),
		description: 'An array of {description, quantity, unitPrice, sku, taxCode}: unitPrice in major units (19.99 or "19.99"); sku and taxCode are mapped to the platform’s items and tax codes under Options',
	},
	{
		displayName: 'Discount',
		name: 'discount',
		type: 'string',
		default: '={{ $json.discount }}',
		displayOptions: shownFor(LINES_OPERATIONS),
		description: 'Discount on the whole entry, in major units; empty for none',
	},
	{
		displayName: 'Shipping',
		name: 'shipping',
		type: 'string',
		default: '={{ $json.shipping }}',
		displayOptions: shownFor(LINES_OPERATIONS),
		description: 'Shipping charged, in major units; empty for none',
	},
	{
		displayName: 'Tax',
		name: 'tax',
		type: 'string',
		default: '={{ $json.tax }}',
		displayOptions: shownFor(LINES_OPERATIONS),
		description: 'Total tax of the entry, in major units; empty for none',
	},
	{
		displayName: 'Amount',
		name: 'amount',
		type: 'string',
		required: true,
		default: '={{ $json.amount }}',
		displayOptions: shownFor(['recordPayment']),
		description: 'The payment received, in major units',
	},
	{
		displayName: 'Invoice Source ID',
		name: 'invoiceSourceId',
		type: 'string',
		default: '={{ $json.invoiceSourceId }}',
		displayOptions: shownFor(['recordPayment']),
		description: 'The Source Transaction ID the invoice was created with by this node; or leave empty and give the platform’s Invoice ID',
	},
	{
		displayName: 'Invoice ID',
		name: 'invoiceId',
		type: 'string',
		default: '',
		displayOptions: shownFor(['recordPayment']),
		description: 'The platform’s own ID of the invoice the payment settles',
	},
	{
		displayName: 'Date',
		name: 'date',
		type: 'string',
		default: '',
		placeholder: '2026-12-31',
		displayOptions: shownFor(ENTRY_OPERATIONS),
		description: 'The entry’s date as YYYY-MM-DD; empty for the platform’s today',
	},
	{
		displayName: 'Due Date',
		name: 'dueDate',
		type: 'string',
		default: '',
		placeholder: '2026-12-31',
		displayOptions: shownFor(['createInvoice']),
		description: 'YYYY-MM-DD; empty for the platform’s default terms',
	},
	{
		displayName: 'Memo',
		name: 'memo',
		type: 'string',
		default: '',
		displayOptions: shownFor(ENTRY_OPERATIONS),
		description: 'A note on the entry; empty notes the source transaction ID',
	},
	{
		displayName: 'Options',
		name: 'mappings',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		// Each queued entry is posted with the mappings it was queued with; Post Queued Entries' own apply to entries queued before they were kept.
		displayOptions: shownFor([...PARTY_OPERATIONS, 'postQueued']),
		options: [
			{
				displayName: 'Item Mapping',
				name: 'items',
				type: 'json',
				default: '{}',
				description: `Your SKUs to the platform’s items, e.g. {"MUG-01": "17"} (${termsOf('item')}); Items by SKU adds picked ones`,
			},
			{
				displayName: 'Items by SKU',
				name: 'itemPicks',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add item',
				default: {},
				displayOptions: pickable('items'),
				description: 'Your SKU and the platform’s item picked from its list; these win over Item Mapping',
				options: [
					{
						displayName: 'Item',
						name: 'pick',
						values: [
							{ displayName: 'SKU', name: 'sku', type: 'string', default: '', description: 'Your product code, as the lines’ sku' },
							accountingPicker('Platform Item', 'item', 'items', 'The platform’s item for this SKU', 'e.g. 17 or MUG-01'),
						],
					},
				],
			},
			{
				displayName: 'Tax Code Mapping',
				name: 'taxCodes',
				type: 'json',
				default: '{}',
				description: `Your tax codes to the platform’s, e.g. {"standard": "TAX"} (${termsOf('taxCode')}); Tax Codes Picked adds picked ones`,
			},
			{
				displayName: 'Tax Codes Picked',
				name: 'taxCodePicks',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add tax code',
				default: {},
				displayOptions: pickable('taxCodes'),
				description: 'Your tax code and the platform’s own, picked from its list; these win over Tax Code Mapping',
				options: [
					{
						displayName: 'Tax Code',
						name: 'pick',
						values: [
							{ displayName: 'Your Tax Code', name: 'code', type: 'string', default: '', description: 'As the lines’ taxCode' },
							accountingPicker('Platform Tax Code', 'taxCode', 'taxCodes', 'The platform’s tax code or tax rate for it', 'e.g. TAX or OUTPUT'),
						],
					},
				],
			},
			{ ...accountingPicker('Default Item', 'defaultItem', 'items', `The platform item for lines without a mapped SKU${whenEmpty('defaultItem')}`, 'e.g. 1'), displayOptions: pickable('items') },
			{ ...accountingPicker('Sales Account', 'salesAccount', 'accounts', `The revenue account for lines${whenEmpty('salesAccount')}`, 'e.g. 200'), displayOptions: pickable('accounts') },
			{
				...accountingPicker('Tax Account', 'taxAccount', 'accounts', `The account the entry’s tax is posted to as a line of its own, on platforms that post tax that way${whenEmpty('taxAccount')}`, 'e.g. 820'),
				displayOptions: pickable('accounts'),
			},
			{
				...accountingPicker(
					'Payment Account',
					'paymentAccount',
					'accounts',
					`The account payments go into and refunds come from${whenEmpty('paymentAccount')}`,
					'e.g. 090 or 35',
				),
				displayOptions: pickable('accounts'),
			},
		],
	},
];

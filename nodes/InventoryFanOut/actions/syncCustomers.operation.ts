import type { IExecuteFunctions, INodeCredentialDescription, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { openSync } from '../../../lib/sync';
import { nodeEngine } from '../../shared/engineContext';
import { credentialChoices } from '../../shared/platformCredentials';
import { listedOf, pickedStores, storeAndListOptions } from '../../shared/storeLists';
import { readStoreLabel, storeLabelProperty } from './storeLabel';
import { platformsServing } from '../../shared/platformOptions';

const show = { show: { operation: ['syncCustomers'] } };

/** The CRMs with contact mappings: where the stores' customers are copied. */
const customerCrms = platformsServing('crm').filter((definition) => definition.crm?.defaultMappings.contacts);

/** One credential slot per CRM credential type, shown only while that CRM is the one chosen (n8n's own way). */
export const crmCredentialSlots: INodeCredentialDescription[] = customerCrms.flatMap((definition) =>
	credentialChoices(definition.id).map((choice) => ({ name: choice.type, required: false, displayOptions: { show: { operation: ['syncCustomers'], customerCrm: [definition.id] } } })),
);

export const description: INodeProperties[] = [
	{
		displayName: 'Customer Stores',
		name: 'customerStores',
		type: 'multiOptions',
		options: storeAndListOptions('customers'),
		default: [],
		required: true,
		displayOptions: show,
		description: 'The stores whose customers are kept in step (matched by email); set a credential for each',
	},
	{
		displayName: 'CRM',
		name: 'customerCrm',
		type: 'options',
		options: [{ name: 'None (Stores Only)', value: '' }, ...customerCrms.map((definition) => ({ name: definition.displayName, value: definition.id }))],
		default: '',
		displayOptions: show,
		description: 'Where every store customer is copied as a contact, matched by email; its other contacts are not copied to the stores',
	},
	{
		displayName: 'Directory Name',
		name: 'customerDirectory',
		type: 'string',
		default: 'customers',
		displayOptions: show,
		description: 'Names this set of stores and CRM in the state store (ID map, positions, last seen values): keep it when you change the node',
	},
	storeLabelProperty('syncCustomers', 'Directory Name'),
];

/** One run for the whole input: every store pulled, new and changed customers written to the other stores and the CRM once. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const stores = await pickedStores(this, 'customers', this.getNodeParameter('customerStores', 0) as string[], readStoreLabel(this));
	const crm = this.getNodeParameter('customerCrm', 0) as string;
	if (stores.length === 0 || (stores.length < 2 && !crm)) throw new NodeOperationError(this.getNode(), 'Select at least two Customer Stores, or a store and a CRM');
	const summary = await openSync(await nodeEngine(this, listedOf(stores))).syncCustomers(
		stores.map(({ platform, id }) => ({ platform, id })),
		{
			crm: crm || undefined,
			integration: this.getNodeParameter('customerDirectory', 0) as string,
			strategy: { kind: 'lastWriteWins' },
			runId: this.getExecutionId() ?? String(Date.now()),
		},
	);
	const synced = Object.entries(summary.platforms).map(([store, counts]) => ({ json: { store, ...counts }, pairedItem: { item: 0 } }));
	const failed = summary.failures.map((failure) => ({ json: { ...failure }, pairedItem: { item: 0 } }));
	return [synced, failed];
}

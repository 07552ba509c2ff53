import type { IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { FieldPolicy } from '../../lib/records/resolve';

/** Who a field policy names: a side of a two-way resolution (Local, External) or a platform of a sync. */
export interface FieldPolicyParties {
	/** How a party is called in the options: "Side" or "Platform". */
	noun: string;
	/** The field's description in the row. */
	fieldDescription: string;
	/** The row's party parameter (named `side` in both nodes). */
	party: Omit<INodeProperties, 'name' | 'type'> & { options: INodePropertyOptions[] };
}

/** Field Policies: per field, two-way, don't sync, owned by a party, or prefer a party unless blank. */
export function fieldPoliciesProperty(parties: FieldPolicyParties, displayOptions: INodeProperties['displayOptions']): INodeProperties {
	const { displayName, ...party } = parties.party;
	return {
		displayName: 'Field Policies',
		name: 'fieldPolicies',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		displayOptions,
		options: [
			{
				name: 'policy',
				displayName: 'Policy',
				values: [
					{ displayName: 'Field', name: 'field', type: 'string', default: '', description: parties.fieldDescription },
					{
						displayName: 'Policy',
						name: 'policy',
						type: 'options',
						options: [
							{ name: "Don't Sync", value: 'ignore' },
							{ name: `Owned by a ${parties.noun}`, value: 'owner' },
							{ name: `Prefer a ${parties.noun} Unless Blank`, value: 'preferUnlessBlank' },
							{ name: 'Two-Way', value: 'twoWay' },
						],
						default: 'twoWay',
					},
					{ displayName, name: 'side', type: 'options', ...party },
				],
			},
		],
	};
}

/** The Field Policies rows, read once per execution. */
export function readFieldPolicies(context: IExecuteFunctions): FieldPolicy[] {
	return (context.getNodeParameter('fieldPolicies.policy', 0, []) as FieldPolicy[]) ?? [];
}

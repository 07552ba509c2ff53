import { type INodeCredentialDescription, type INodeProperties } from 'n8n-workflow';

import { type ConditionOperator } from '../../../lib/marketing';
import { platformOptions, platformsServing } from '../../../lib/platforms/catalog';
import type { MarketingParameter } from '../../../lib/platforms/definition';
import { credentialType } from '../../shared/platformCredentials';

const shownFor = (platform: string, also: Record<string, string[]> = {}) => ({ show: { platforms: [platform], ...also } });

/** One credential per platform, shown once the platform is chosen. */
export function marketingCredentials(): INodeCredentialDescription[] {
	return platformsServing('marketing').map(({ id }) => ({ name: credentialType(id), required: true, displayOptions: shownFor(id) }));
}

/** A platform's declared parameter as a node property, shown while the platform is chosen. */
function marketingProperty(platform: string, parameter: MarketingParameter): INodeProperties {
	const { shownWhen, options, required, ...rest } = parameter;
	return { ...rest, type: options ? 'options' : 'string', ...(options ? { options } : {}), ...(required ? { required } : {}), displayOptions: shownFor(platform, shownWhen) };
}

export const platformProperties: INodeProperties[] = [
	{
		displayName: 'Platforms',
		name: 'platforms',
		type: 'multiOptions',
		options: platformOptions('marketing'),
		default: ['hubspot', 'mailchimp'],
		required: true,
		description: 'Every marketing platform the contacts go to; each needs its credential',
	},
	{
		displayName: 'Integration Name',
		name: 'integration',
		type: 'string',
		default: 'marketing',
		description: 'Keeps consent, pending retries and the welcome ledger of separate setups apart; use the same name in every node of one setup',
	},
	...platformsServing('marketing').flatMap((definition) => definition.marketing!.parameters.map((parameter) => marketingProperty(definition.id, parameter))),
];

export const operatorOptions: Array<{ name: string; value: ConditionOperator }> = [
	{ name: 'Contains', value: 'contains' },
	{ name: 'Equals', value: 'equals' },
	{ name: 'Exists', value: 'exists' },
	{ name: 'Greater Than', value: 'greaterThan' },
	{ name: 'Is One Of', value: 'in' },
	{ name: 'Less Than', value: 'lessThan' },
	{ name: 'Not Equals', value: 'notEquals' },
];

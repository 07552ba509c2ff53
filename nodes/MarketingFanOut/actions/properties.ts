import { type INodeCredentialDescription, type INodeProperties } from 'n8n-workflow';

import { type ConditionOperator } from '../../../lib/marketing';
import { namesInSentence, platformOptions, platformsServing, type MarketingParameter } from '../../shared/platformOptions';
import { credentialType, shownWhileChosen } from '../../shared/platformCredentials';
import { picker } from '../../shared/resourceLocator';
import { platformListSearch } from '../../shared/resourceSearch';

const shownFor = (platform: string, also: Record<string, string[]> = {}) => ({ show: { platforms: [platform], ...also } });

/** One credential per platform, shown (and required) once the platform is chosen. */
export function marketingCredentials(): INodeCredentialDescription[] {
	return platformsServing('marketing').map(({ id }) => ({ name: credentialType(id), required: true, displayOptions: shownWhileChosen('platforms', id) }));
}

/** The listSearch method behind a picked parameter: `<platform><Resource>Search`. */
const searchMethod = (platform: string, resource: string) => `${platform}${resource.charAt(0).toUpperCase()}${resource.slice(1)}Search`;

/** A platform's declared parameter as a node property, shown while the platform is chosen; vendor ids are picked. */
function marketingProperty(platform: string, parameter: MarketingParameter): INodeProperties {
	const { shownWhen, options, required, pick, ...rest } = parameter;
	const displayOptions = shownFor(platform, shownWhen);
	if (pick) {
		return picker({
			displayName: rest.displayName,
			name: rest.name,
			description: rest.description ?? '',
			required,
			displayOptions,
			searchListMethod: pick.resource ? searchMethod(platform, pick.resource) : undefined,
			hint: pick.noList,
			typed: { name: pick.by, displayName: pick.by === 'id' ? 'By ID' : 'By Name', placeholder: pick.placeholder, regex: pick.pattern, errorMessage: pick.patternMessage },
			url: pick.url,
			default: rest.default ? { mode: pick.by, value: rest.default } : undefined,
		});
	}
	return { ...rest, type: options ? 'options' : 'string', ...(options ? { options } : {}), ...(required ? { required } : {}), displayOptions };
}

/** The lists behind every picked marketing parameter, each through the node's credential for its platform. */
export const marketingListSearch = Object.fromEntries(
	platformsServing('marketing').flatMap((definition) =>
		definition.marketing!.parameters.flatMap((parameter) => (parameter.pick?.resource ? [[searchMethod(definition.id, parameter.pick.resource), platformListSearch(definition.id, parameter.pick.resource)]] : [])),
	),
);

const marketingPlatforms = platformsServing('marketing');

/** The marketing platforms' names in a sentence: "A, B, C and D". */
export const marketingPlatformNames = namesInSentence(marketingPlatforms.map((definition) => definition.displayName), 'and');

/** What segments become, per platform, as the vendor folders say: "A and D tags, B and C lists". */
export const segmentsBecome = [...new Set(marketingPlatforms.map((definition) => definition.marketing!.segmentsAs))]
	.map((kind) => `${namesInSentence(marketingPlatforms.filter((definition) => definition.marketing!.segmentsAs === kind).map((definition) => definition.displayName), 'and')} ${kind}`)
	.join(', ');

/** The platforms unsubscribes are read from, with their page sizes. */
const unsubscribeSources = marketingPlatforms.filter((definition) => definition.marketing!.unsubscribesPerPage);
export const unsubscribeSourceNames = namesInSentence(unsubscribeSources.map((definition) => definition.displayName), 'and');
export const unsubscribePageSizes = unsubscribeSources.map((definition) => `${definition.displayName} ${definition.marketing!.unsubscribesPerPage!.toLocaleString('en-US')}`).join(', ');

export const platformProperties: INodeProperties[] = [
	{
		displayName: 'Platforms',
		name: 'platforms',
		type: 'multiOptions',
		options: platformOptions('marketing'),
		default: platformOptions('marketing').slice(0, 2).map((option) => option.value),
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

import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { openMarketing, type FieldMapping, type MarketingCampaigns, type MarketingFanOut, type SegmentRule } from '../../../lib/marketing';
import { nodeEngine } from '../../shared/engineContext';
import { pickedValue } from '../../shared/resourceLocator';

function text(context: IExecuteFunctions, name: string): string {
	return String(context.getNodeParameter(name, 0, '') ?? '').trim();
}

/** The fan-out engine for the node's platforms, each through its credential and the shared store. */
export async function openFanOut(
	context: IExecuteFunctions,
	extra: { rules?: SegmentRule[]; consentField?: string; mappings?: Partial<Record<string, FieldMapping[]>>; collectUnsubscribesFirst?: boolean } = {},
): Promise<MarketingFanOut> {
	const chosen = chosenPlatforms(context, extra.mappings);
	// A platform's settings that do not parse stop the node naming the field (the node's error handling words it).
	return await openMarketing(await nodeEngine(context)).fanOut(chosen, {
		integration: text(context, 'integration') || 'marketing',
		rules: extra.rules,
		consentField: extra.consentField,
		collectUnsubscribesFirst: extra.collectUnsubscribesFirst,
	});
}

function chosenPlatforms(context: IExecuteFunctions, mappings?: Partial<Record<string, FieldMapping[]>>) {
	const platforms = context.getNodeParameter('platforms', 0) as string[];
	if (platforms.length === 0) throw new NodeOperationError(context.getNode(), 'Choose at least one marketing platform');
	return platforms.map((platform) => ({ platform, parameter: (name: string) => shownValue(context, name), mappings: mappings?.[platform] }));
}

/**
 * A platform parameter's value, or '' when the chosen operation hides it (the nurture's ids outside Update Lifecycle
 * Stage and Retry Pending): n8n answers a hidden parameter with "Could not find property", and hidden means unused.
 */
function shownValue(context: IExecuteFunctions, name: string): string {
	try {
		return pickedValue(context, name);
	} catch (error) {
		if (/Could not find property/i.test((error as Error).message)) return '';
		throw new NodeOperationError(context.getNode(), error as Error);
	}
}

/** Segment leaves, the nurture and the retention campaign over the node's platforms, through the shared store. */
export async function openCampaigns(context: IExecuteFunctions, extra: { nurtureStages?: string[]; customerStages?: string[] } = {}): Promise<MarketingCampaigns> {
	return await openMarketing(await nodeEngine(context)).campaigns(chosenPlatforms(context), { integration: text(context, 'integration') || 'marketing', ...extra });
}

import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { MarketingFanOut, type MarketingTarget, type SegmentRule } from '../../../lib/marketing';
import { platformEntry } from '../../../lib/platforms/catalog';
import type { MarketingSettings } from '../../../lib/platforms/marketing';
import type { FieldMapping } from '../../../lib/records/mapping';
import { nodeStore, platformTransport } from '../../shared/engineContext';
import { marketoTokenFallback } from './marketoToken';
import type { MarketingPlatformId } from './properties';

function text(context: IExecuteFunctions, name: string): string {
	return String(context.getNodeParameter(name, 0, '') ?? '').trim();
}

function settingsFor(context: IExecuteFunctions, platform: MarketingPlatformId): MarketingSettings {
	switch (platform) {
		case 'mailchimp': {
			const journey = text(context, 'mailchimpJourneyId');
			return { listId: text(context, 'mailchimpAudienceId'), welcome: journey ? { id: journey, stepId: text(context, 'mailchimpJourneyStepId') } : undefined };
		}
		case 'hubspot': {
			const list = text(context, 'hubspotWelcomeList');
			return { welcome: list ? { id: list } : undefined, subscriptionId: text(context, 'hubspotSubscriptionId') || undefined };
		}
		case 'marketo': {
			const campaign = text(context, 'marketoCampaignId');
			return { welcome: campaign ? { id: campaign } : undefined };
		}
		case 'activecampaign': {
			const byAutomation = text(context, 'activeCampaignWelcomeBy') === 'automation';
			const id = text(context, byAutomation ? 'activeCampaignAutomationId' : 'activeCampaignWelcomeTag');
			return { listId: text(context, 'activeCampaignListId'), welcome: id ? { id, kind: byAutomation ? 'automation' : 'tag' } : undefined };
		}
	}
}

/** The fan-out engine for the node's platforms, each through its credential and the shared store. */
export async function openFanOut(
	context: IExecuteFunctions,
	extra: { rules?: SegmentRule[]; consentField?: string; mappings?: Partial<Record<string, FieldMapping[]>>; collectUnsubscribesFirst?: boolean } = {},
): Promise<MarketingFanOut> {
	const platforms = context.getNodeParameter('platforms', 0) as MarketingPlatformId[];
	if (platforms.length === 0) throw new NodeOperationError(context.getNode(), 'Choose at least one marketing platform');
	const store = await nodeStore(context);
	const targets: MarketingTarget[] = [];
	for (const platform of platforms) {
		const wrapClient = platform === 'marketo' ? await marketoTokenFallback(context) : undefined;
		const transport = await platformTransport(context, platform, store, { wrapClient });
		let connector;
		try {
			connector = platformEntry(platform).marketing!.connector(transport, settingsFor(context, platform));
		} catch (error) {
			throw new NodeOperationError(context.getNode(), (error as Error).message);
		}
		targets.push({ platform, connector, mappings: extra.mappings?.[platform] });
	}
	return new MarketingFanOut({
		store,
		targets,
		integration: text(context, 'integration') || 'marketing',
		rules: extra.rules,
		consentField: extra.consentField,
		collectUnsubscribesFirst: extra.collectUnsubscribesFirst,
	});
}

import { platformDefinition } from '../platforms/catalog';
import type { EngineContext } from '../platforms/resolver';
import type { FieldMapping } from '../records/mapping';
import { MarketingCampaigns, type CampaignOptions } from './campaigns';
import { MarketingFanOut, type MarketingFanOutOptions, type MarketingTarget } from './fanOut';

export { MarketingFanOut, type MarketingFanOutOptions, type MarketingTarget, type FanOutReport, type ContactResult, type PlatformResult, type UnsubscribeResult, type CollectedUnsubscribes, type RetriedChange } from './fanOut';
export {
	MarketingCampaigns,
	type CampaignOptions,
	type CampaignStep,
	type CampaignWork,
	type CampaignExecution,
	type SegmentLeaveResult,
	type LifecycleResult,
	type RetentionResult,
} from './campaigns';
export { segmentsFor, validateSegmentRules, SegmentRuleError, type SegmentRule, type SegmentCondition, type ConditionOperator } from './segments';
export { MarketingRepository, type PendingChange } from './repository';
export { CampaignRepository, type JourneyState } from './campaignRepository';
export { marketingMigrations } from './migrations';

/** One marketing platform the fan-out writes to: its node parameters (audience, welcome…) and field mappings. */
export interface MarketingPlatformChoice {
	platform: string;
	/** The platform's parameters by name (trimmed text), read into its settings as its vendor folder declares them. */
	parameter: (name: string) => string;
	mappings?: FieldMapping[];
}

/** The marketing capability over a store and the platforms: the one way in for nodes, the demo, benchmarks and tests. */
export function openMarketing({ store, platforms }: EngineContext) {
	return {
		/** The fan-out engine over the chosen platforms. */
		fanOut: async (chosen: readonly MarketingPlatformChoice[], options: Omit<MarketingFanOutOptions, 'store' | 'targets'>): Promise<MarketingFanOut> =>
			new MarketingFanOut({ ...options, store, targets: await targetsOf(chosen) }),
		/** Segment leaves, the nurture by lifecycle stage and the retention campaign over the chosen platforms. */
		campaigns: async (chosen: readonly MarketingPlatformChoice[], options: Omit<CampaignOptions, 'store' | 'targets'>): Promise<MarketingCampaigns> =>
			new MarketingCampaigns({ ...options, store, targets: await targetsOf(chosen) }),
	};

	async function targetsOf(chosen: readonly MarketingPlatformChoice[]): Promise<MarketingTarget[]> {
		const targets: MarketingTarget[] = [];
		for (const { platform, parameter, mappings } of chosen) {
			const marketing = platformDefinition(platform).marketing;
			if (!marketing) throw new Error(`${platform} is not a marketing platform`);
			const { transport } = await platforms.connect(platform);
			targets.push({ platform, connector: marketing.connector(transport, marketing.settings(parameter)), mappings });
		}
		return targets;
	}
}

export type Marketing = ReturnType<typeof openMarketing>;

/** What a node's contact fields and mappings are written in. */
export type { FieldMapping } from '../records/mapping';
export { getPath } from '../records/paths';

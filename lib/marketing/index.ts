import { platformDefinition } from '../platforms/catalog';
import type { EngineContext } from '../platforms/resolver';
import type { FieldMapping } from '../records/mapping';
import { MarketingFanOut, type MarketingFanOutOptions, type MarketingTarget } from './fanOut';

export { MarketingFanOut, type MarketingFanOutOptions, type MarketingTarget, type FanOutReport, type ContactResult, type PlatformResult, type UnsubscribeResult, type CollectedUnsubscribes, type RetriedChange } from './fanOut';
export { segmentsFor, validateSegmentRules, SegmentRuleError, type SegmentRule, type SegmentCondition, type ConditionOperator } from './segments';
export { MarketingRepository, type PendingChange } from './repository';
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
		fanOut: async (chosen: readonly MarketingPlatformChoice[], options: Omit<MarketingFanOutOptions, 'store' | 'targets'>): Promise<MarketingFanOut> => {
			const targets: MarketingTarget[] = [];
			for (const { platform, parameter, mappings } of chosen) {
				const marketing = platformDefinition(platform).marketing;
				if (!marketing) throw new Error(`${platform} is not a marketing platform`);
				const { transport } = await platforms.connect(platform);
				targets.push({ platform, connector: marketing.connector(transport, marketing.settings(parameter)), mappings });
			}
			return new MarketingFanOut({ ...options, store, targets });
		},
	};
}

export type Marketing = ReturnType<typeof openMarketing>;

/** What a node's contact fields and mappings are written in. */
export type { FieldMapping } from '../records/mapping';
export { getPath } from '../records/paths';

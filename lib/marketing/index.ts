export { MarketingFanOut, type MarketingFanOutOptions, type MarketingTarget, type FanOutReport, type ContactResult, type PlatformResult, type UnsubscribeResult, type CollectedUnsubscribes, type RetriedChange } from './fanOut';
export { segmentsFor, validateSegmentRules, SegmentRuleError, type SegmentRule, type SegmentCondition, type ConditionOperator } from './segments';
export { MarketingRepository, type PendingChange } from './repository';
export { marketingMigrations } from './migrations';

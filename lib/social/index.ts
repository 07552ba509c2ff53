import { platformDefinition } from '../platforms/catalog';
import type { EngineContext } from '../platforms/resolver';
import type { MediaFetcher } from '../platforms/social';
import { fetchMedia } from './media';
import { SocialPublisher, type SocialTarget } from './publisher';

/** Social Publisher: a post published once per (post id, platform account) to X, LinkedIn, Facebook Pages and Instagram. */
export { SocialPublisher, type DeleteOutcome, type PlatformResult, type PublishOutcome, type SocialPublisherOptions, type SocialTarget } from './publisher';
export { PostRepository, type PostRow, type PostState } from './posts';
export { postLookupSchema, postSchema, toSocialPost } from './inputs';
export { ruleViolations, textSent } from './rules';
export { socialMigrations } from './migrations';
export { SocialLimitError, type MediaFetcher, type PostRules } from '../platforms/social';

export interface OpenSocialOptions {
	/** How images are fetched for platforms that take an upload (X); plain fetch by default. */
	fetchMedia?: MediaFetcher;
	maxAttempts?: number;
	sleep?: (ms: number) => Promise<void>;
	now?: () => Date;
}

/** The social capability over a store and the platforms: the one way in for nodes, the demo, benchmarks and tests. */
export function openSocial({ store, platforms }: EngineContext, options: OpenSocialOptions = {}) {
	return {
		/** A publisher to these platforms, each through its connection (the credential's account). */
		publisher: async (platformIds: readonly string[]): Promise<SocialPublisher> => {
			if (platformIds.length === 0) throw new Error('Choose at least one platform to publish to');
			const targets = await Promise.all([...new Set(platformIds)].map(async (id): Promise<SocialTarget> => {
				const definition = platformDefinition(id);
				if (!definition.social) throw new Error(`Social Publisher does not publish to ${definition.displayName}`);
				const { transport, settings } = await platforms.connect(id);
				const connector = definition.social.connector(transport, settings);
				return { platform: { id, displayName: definition.displayName }, rules: definition.social.rules, connector, account: await connector.account() };
			}));
			return new SocialPublisher({ store, targets, fetchMedia: options.fetchMedia ?? fetchMedia, maxAttempts: options.maxAttempts, sleep: options.sleep, now: options.now });
		},
	};
}

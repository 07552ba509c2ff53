import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { MarketingFanOut, type MarketingTarget, type SegmentRule } from '../../../lib/marketing';
import { platformDefinition } from '../../../lib/platforms/catalog';
import type { FieldMapping } from '../../../lib/records/mapping';
import { nodeStore, platformTransport } from '../../shared/engineContext';
import { pickedValue } from '../../shared/resourceLocator';

function text(context: IExecuteFunctions, name: string): string {
	return String(context.getNodeParameter(name, 0, '') ?? '').trim();
}

/** The fan-out engine for the node's platforms, each through its credential and the shared store. */
export async function openFanOut(
	context: IExecuteFunctions,
	extra: { rules?: SegmentRule[]; consentField?: string; mappings?: Partial<Record<string, FieldMapping[]>>; collectUnsubscribesFirst?: boolean } = {},
): Promise<MarketingFanOut> {
	const platforms = context.getNodeParameter('platforms', 0) as string[];
	if (platforms.length === 0) throw new NodeOperationError(context.getNode(), 'Choose at least one marketing platform');
	const store = await nodeStore(context);
	const targets: MarketingTarget[] = [];
	for (const platform of platforms) {
		const marketing = platformDefinition(platform).marketing;
		if (!marketing) throw new NodeOperationError(context.getNode(), `${platform} is not a marketing platform`);
		const transport = await platformTransport(context, platform, store);
		let connector;
		try {
			connector = marketing.connector(transport, marketing.settings((name) => pickedValue(context, name)));
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

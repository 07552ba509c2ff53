import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readWebhookEvent, verifyWebhook, webhookSecretField, type WebhookSource } from '../../../lib/sync';
import { credentialType } from '../../shared/platformCredentials';
import { namesInSentence, platformDefinition, platformOptions, verifiableWebhookSources } from '../../shared/platformOptions';
import { RAW_BODY_OR_COMPACT_JSON, rawBodyProperty, sortDeliveries, webhookSecret } from '../../shared/webhookVerification';

const show = { show: { operation: ['verifyWebhook'] } };
const sources = verifiableWebhookSources('crmWebhooks');
/** The sources whose signature covers the URL the webhook was registered with, by name. */
const urlSigners = namesInSentence(sources.filter((source) => source.signsUrl).map((source) => platformDefinition(source.value).displayName));

/** The sources' names in a sentence: "A, B, C or D". */
export const crmWebhookSourceNames = namesInSentence(sources.map((source) => platformDefinition(source.value).displayName));

export const description: INodeProperties[] = [
	{
		displayName: 'Webhook Source',
		name: 'webhookSource',
		type: 'options',
		options: sources.map(({ name, value }) => ({ name, value })),
		// The catalog's first platform that signs its deliveries (the list itself is sorted by name).
		default: platformOptions('crm').find((platform) => sources.some((source) => source.value === platform.value))!.value,
		displayOptions: show,
	},
	{
		displayName: 'Webhook URL',
		name: 'webhookUrl',
		type: 'string',
		default: '={{ $json.webhookUrl }}',
		displayOptions: { show: { operation: ['verifyWebhook'], webhookSource: sources.filter((source) => source.signsUrl).map((source) => source.value) } },
		description: `The public URL registered with ${urlSigners} (signed with the body); the Webhook node reports it as webhookUrl`,
	},
	rawBodyProperty('verifyWebhook', RAW_BODY_OR_COMPACT_JSON),
];

/**
 * Genuine deliveries → Verified (the event read from the verified body); forged or stale ones, and signed bodies that are
 * no event (empty, not JSON, not the platform's shape), → Rejected with the reason.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const source = this.getNodeParameter('webhookSource', 0) as WebhookSource;
	const secret = await webhookSecret(this, source, credentialType(source), webhookSecretField(source));
	const signsUrl = sources.some((offered) => offered.value === source && offered.signsUrl);
	return await sortDeliveries(this, items, ({ itemIndex, headers, rawBody }) => {
		const lowerCased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
		const url = signsUrl ? String(this.getNodeParameter('webhookUrl', itemIndex, '')) : '';
		const check = verifyWebhook(source, { headers: lowerCased, rawBody, method: 'POST', url }, secret, Date.now());
		if (!check.valid) return { refuse: { source, verified: false, reason: check.reason } };
		// Signed, so the body is genuine; it must still be the platform's event (never an empty body read as {}).
		const read = readWebhookEvent(source, rawBody);
		if (read.valid) return { pass: { source, verified: true, event: read.event as IDataObject } };
		return { refuse: { source, verified: true, reason: read.reason, ...(read.violations ? { invalidFields: read.violations.map((violation) => violation.field) } : {}) } };
	});
}

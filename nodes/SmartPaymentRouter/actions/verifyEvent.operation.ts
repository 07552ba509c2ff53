import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { paymentWebhookSecretField, verifyPaymentEvent, type PaymentEventSource } from '../../../lib/payments';
import { credentialType } from '../../shared/platformCredentials';
import { namesInSentence, platformDefinition, platformOptions, verifiableWebhookSources } from '../../shared/platformOptions';
import { RAW_BODY_OR_COMPACT_JSON, rawBodyProperty, sortDeliveries, webhookSecret } from '../../shared/webhookVerification';

const showFor = { show: { operation: ['verifyEvent'] } };

const sources = verifiableWebhookSources('paymentWebhooks');
const nameOf = (source: { value: string }) => platformDefinition(source.value).displayName;

/** The processors whose events are verified, in a sentence: "A or B". */
export const eventSourceNames = namesInSentence(sources.map(nameOf));

export const description: INodeProperties[] = [
	{
		displayName: 'Event Source',
		name: 'eventSource',
		type: 'options',
		options: sources.map(({ name, value }) => ({ name, value })),
		// The catalog's first processor that signs its events (the list itself is sorted by name).
		default: platformOptions('payments').find((processor) => sources.some((source) => source.value === processor.value))!.value,
		displayOptions: showFor,
	},
	{
		displayName: 'Notification URL',
		name: 'notificationUrl',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { operation: ['verifyEvent'], eventSource: sources.filter((source) => source.signsUrl).map((source) => source.value) } },
		description: `The exact URL of your ${namesInSentence(sources.filter((source) => source.signsUrl).map(nameOf))} webhook subscription: it is signed together with the body`,
	},
	rawBodyProperty('verifyEvent', RAW_BODY_OR_COMPACT_JSON),
];

/**
 * Verifies each webhook item's processor signature and reads its event from the raw body: genuine events → output 0;
 * forged ones, and signed bodies that are no event (empty, not JSON, no id or type), with the reason → output 1.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const source = this.getNodeParameter('eventSource', 0) as PaymentEventSource;
	const secret = await webhookSecret(this, source, credentialType(source), paymentWebhookSecretField(source));
	const signsUrl = sources.some((offered) => offered.value === source && offered.signsUrl);
	return await sortDeliveries(this, items, ({ itemIndex, headers, rawBody }) => {
		const notificationUrl = signsUrl ? (this.getNodeParameter('notificationUrl', itemIndex) as string) : undefined;
		const check = verifyPaymentEvent(source, { headers, rawBody, notificationUrl, nowMs: Date.now() }, secret);
		if (check.valid) return { pass: { source, verified: true, event: check.event as IDataObject } };
		return { refuse: { source, verified: check.signed, reason: check.reason, ...(check.violations ? { invalidFields: check.violations.map((violation) => violation.field) } : {}) } };
	});
}

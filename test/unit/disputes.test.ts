/**
 * Each processor's dispute event read into the package's one dispute shape, as its payment webhook scheme in the
 * catalog reads it: the ids, the amount in exact minor units, reason and state in the package's words beside the
 * processor's own, the stage, the due date and the time; an event missing fields is refused naming each of them.
 */
import { platformDefinition } from '../../lib/platforms/catalog';
import type { ProcessorDispute } from '../../lib/platforms/disputes';
import { InputError } from '../../lib/records/inputSchema';

function readDispute(processor: string, event: unknown): ProcessorDispute {
	const read = platformDefinition(processor).paymentWebhooks?.dispute;
	if (!read) throw new Error(`${processor} reads no dispute events`);
	return read(event as Record<string, unknown>);
}

function refusedFields(processor: string, event: unknown): string[] {
	try {
		readDispute(processor, event);
	} catch (error) {
		expect(error).toBeInstanceOf(InputError);
		return (error as InputError).violations.map((violation) => violation.field);
	}
	throw new Error('expected the event to be refused');
}

test('Stripe: a warning is an inquiry; amounts are minor units; times are seconds since 1970', () => {
	const event = { created: 1_800_000_000, data: { object: { id: 'dp_1', charge: 'ch_1', amount: 2550, currency: 'usd', reason: 'product_not_received', status: 'warning_needs_response', evidence_details: { due_by: 1_800_086_400 } } } };
	expect(readDispute('stripe', event)).toEqual({
		disputeId: 'dp_1', transactionId: 'ch_1', amountMinor: 2550, currency: 'USD', reason: 'not_received', processorReason: 'product_not_received',
		state: 'needs_response', processorStatus: 'warning_needs_response', stage: 'inquiry', evidenceDueBy: '2027-01-16T08:00:00.000Z', occurredAt: '2027-01-15T08:00:00.000Z',
	});
});

test('Square: the dispute under data.object, its last update as the time', () => {
	const event = { created_at: '2026-12-06T10:00:00Z', data: { object: { dispute: { id: 'D1', amount_money: { amount: 700, currency: 'JPY' }, reason: 'NOT_AS_DESCRIBED', state: 'EVIDENCE_REQUIRED', disputed_payment: { payment_id: 'P1' }, due_at: '2026-12-20T00:00:00Z', updated_at: '2026-12-07T09:30:00Z' } } } };
	expect(readDispute('square', event)).toEqual({
		disputeId: 'D1', transactionId: 'P1', amountMinor: 700, currency: 'JPY', reason: 'not_as_described', processorReason: 'NOT_AS_DESCRIBED',
		state: 'needs_response', processorStatus: 'EVIDENCE_REQUIRED', stage: 'chargeback', evidenceDueBy: '2026-12-20T00:00:00.000Z', occurredAt: '2026-12-07T09:30:00.000Z',
	});
});

test('PayPal: a resolved dispute is won or lost by its outcome; amounts are major units read exactly', () => {
	const resource = { dispute_id: 'PP-D-1', status: 'RESOLVED', dispute_outcome: { outcome_code: 'RESOLVED_BUYER_FAVOUR' }, reason: 'UNAUTHORISED', dispute_amount: { currency_code: 'BHD', value: '10.125' }, disputed_transactions: [{ seller_transaction_id: 'CAP1' }], dispute_life_cycle_stage: 'CHARGEBACK', seller_response_due_date: '2026-12-20T00:00:00Z', update_time: '2026-12-08T00:00:00Z' };
	expect(readDispute('paypal', { create_time: '2026-12-06T10:00:00Z', resource })).toEqual({
		disputeId: 'PP-D-1', transactionId: 'CAP1', amountMinor: 10125, currency: 'BHD', reason: 'fraudulent', processorReason: 'UNAUTHORISED',
		state: 'lost', processorStatus: 'RESOLVED: RESOLVED_BUYER_FAVOUR', stage: 'chargeback', evidenceDueBy: '2026-12-20T00:00:00.000Z', occurredAt: '2026-12-08T00:00:00.000Z',
	});
	const inquiry = { ...resource, status: 'WAITING_FOR_SELLER_RESPONSE', dispute_outcome: undefined, dispute_life_cycle_stage: 'INQUIRY', update_time: undefined };
	expect(readDispute('paypal', { create_time: '2026-12-06T10:00:00Z', resource: inquiry })).toMatchObject({ state: 'needs_response', processorStatus: 'WAITING_FOR_SELLER_RESPONSE', stage: 'inquiry', occurredAt: '2026-12-06T10:00:00.000Z' });
});

test("Braintree: the disputed transaction by its GraphQL id; a retrieval is an inquiry; an expired dispute is lost", () => {
	const notification = { kind: 'dispute_expired', timestamp: '2026-12-09T12:00:00Z', subject: { id: 'bt-d-1', status: 'expired', 'amount-disputed': '42.50', 'currency-iso-code': 'EUR', reason: 'fraud', 'reply-by-date': '2026-12-01', kind: 'retrieval', 'transaction-id': 'abc123' } };
	expect(readDispute('braintree', notification)).toEqual({
		disputeId: 'bt-d-1', transactionId: Buffer.from('transaction_abc123').toString('base64'), amountMinor: 4250, currency: 'EUR', reason: 'fraudulent', processorReason: 'fraud',
		state: 'lost', processorStatus: 'expired', stage: 'inquiry', evidenceDueBy: '2026-12-01T00:00:00.000Z', occurredAt: '2026-12-09T12:00:00.000Z',
	});
	expect(readDispute('braintree', { ...notification, subject: { ...notification.subject, reason: 'something_new', status: 'open', kind: 'chargeback' } })).toMatchObject({ reason: 'general', state: 'needs_response', stage: 'chargeback' });
});

test('an event missing the fields every processor has is refused naming each, whichever processor', () => {
	expect(refusedFields('stripe', { created: 1, data: { object: { payment_intent: 'pi_1' } } })).toEqual(['data.object.status', 'data.object.reason', 'data.object.currency', 'data.object.id', 'data.object.amount']);
	expect(refusedFields('paypal', { create_time: '2026-12-06T10:00:00Z', resource: { disputed_transactions: [{ seller_transaction_id: 'CAP1' }] } })).toEqual(['resource.status', 'resource.reason', 'resource.dispute_amount.currency_code', 'resource.dispute_id', 'resource.dispute_amount.value']);
	expect(refusedFields('braintree', { kind: 'dispute_opened', timestamp: 'yesterday', subject: { 'transaction-id': 't1' } })).toEqual(['subject.status', 'subject.reason', 'subject.currency-iso-code', 'subject.id', 'subject.amount-disputed', 'timestamp']);
	expect(refusedFields('square', { created_at: '2026-12-06T10:00:00Z', data: { object: { dispute: { disputed_payment: { payment_id: 'P1' } } } } })).toEqual(['data.object.dispute.state', 'data.object.dispute.reason', 'data.object.dispute.amount_money.currency', 'data.object.dispute.id', 'data.object.dispute.amount_money.amount']);
});

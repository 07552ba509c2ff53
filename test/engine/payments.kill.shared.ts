import type { PaymentRequest } from '../../lib/payments';

/** The payment the killed process owned, submitted again after it died. */
export const killedPayment: PaymentRequest = { paymentId: 'killed-mid-charge', amount: 20, currency: 'USD', method: 'card', tokens: { stripe: 'pm_card_visa' } };

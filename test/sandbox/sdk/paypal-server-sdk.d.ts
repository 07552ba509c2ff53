/**
 * @paypal/paypal-server-sdk publishes its types only through package.json `exports`, which this project's
 * `moduleResolution: node` does not read; this points the module at them.
 */
declare module '@paypal/paypal-server-sdk' {
	export * from '@paypal/paypal-server-sdk/dist/cjs/types/index';
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refuseLiveKeys } from '../../api/src/deploy/payment-isolation';
import { livePaymentKey, livePaymentKeyMessage } from '../../common/src/config/payment-keys';

const provider = (name: string, value: string): string | undefined => livePaymentKey(name, value)?.provider;

describe('live payment keys', () => {
  it('recognises the live credentials of Stripe, Braintree, Square, PayPal and Adyen', () => {
    assert.equal(provider('STRIPE_SECRET_KEY', 'sk_live_51Habcdefghijklmnop'), 'Stripe');
    assert.equal(provider('STRIPE_RESTRICTED', 'rk_live_51Habcdefghijklmnop'), 'Stripe');
    assert.equal(provider('NEXT_PUBLIC_STRIPE', 'pk_live_51Habcdefghijklmnop'), 'Stripe');
    assert.equal(provider('BRAINTREE_TOKEN', 'access_token$production$abc123$0123456789abcdef'), 'Braintree');
    assert.equal(provider('SQUARE_TOKEN', 'sq0atp-abcdefghijklmnopqrstuv'), 'Square');
    assert.equal(provider('SQUARE_BASE', 'https://connect.squareup.com/v2'), 'Square');
    assert.equal(provider('PAYPAL_API', 'https://api-m.paypal.com'), 'PayPal');
    assert.equal(provider('ADYEN_URL', 'https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/checkout'), 'Adyen');
    assert.equal(provider('PAYPAL_MODE', 'live'), 'PayPal');
    assert.equal(provider('BRAINTREE_ENVIRONMENT', 'Production'), 'Braintree');
    assert.equal(provider('ADYEN_ENVIRONMENT', 'LIVE'), 'Adyen');
    assert.equal(provider('SQUARE_ENVIRONMENT', 'production'), 'Square');
    // Inside a longer value (a URL with the key in it, a JSON blob).
    assert.equal(provider('PAYMENTS', '{"key":"sk_live_51Habcdefghijklmnop"}'), 'Stripe');
  });

  it('lets test and sandbox credentials through', () => {
    for (const [name, value] of [
      ['STRIPE_SECRET_KEY', 'sk_test_51Habcdefghijklmnop'],
      ['STRIPE_PUBLISHABLE_KEY', 'pk_test_51Habcdefghijklmnop'],
      ['BRAINTREE_TOKEN', 'access_token$sandbox$abc123$0123456789abcdef'],
      ['SQUARE_TOKEN', 'sandbox-sq0atb-abcdefghijklmnopqrstuv'],
      ['SQUARE_BASE', 'https://connect.squareupsandbox.com/v2'],
      ['PAYPAL_API', 'https://api-m.sandbox.paypal.com'],
      ['ADYEN_URL', 'https://checkout-test.adyen.com/v71'],
      ['PAYPAL_MODE', 'sandbox'],
      ['ADYEN_ENVIRONMENT', 'TEST'],
      // "live" elsewhere means nothing: only the providers' own settings choose live mode.
      ['FEATURE_MODE', 'live'],
      ['NOTE', 'sk_live_'],
    ] as const)
      assert.equal(livePaymentKey(name, value), undefined, `${name}=${value}`);
  });

  it('says which variable and provider, never the value', () => {
    const value = 'sk_live_51Habcdefghijklmnop';
    const message = livePaymentKeyMessage('STRIPE_SECRET_KEY', livePaymentKey('STRIPE_SECRET_KEY', value)!);
    assert.equal(
      message,
      "'STRIPE_SECRET_KEY' is a live Stripe secret key (sk_live_…): staging environments take Stripe test keys and sandbox settings only (isolation.payments).",
    );
    assert.ok(!message.includes(value));
  });

  it("checks a staging release's every variable but what stagingd's own environment passed on unchanged", () => {
    const live = 'sk_live_51Habcdefghijklmnop';
    const staging = { kind: 'fixed' as const };
    assert.doesNotThrow(() => refuseLiveKeys(staging, { PATH: '/usr/bin', GREETING: 'hi' }, { PATH: '/usr/bin' }));
    // NODE_OPTIONS set by staging.yaml or the API is the app's, not stagingd's: checked.
    assert.throws(
      () => refuseLiveKeys(staging, { NODE_OPTIONS: live }, { NODE_OPTIONS: '--max-old-space-size=512' }),
      /'NODE_OPTIONS' is a live Stripe secret key/,
    );
    assert.doesNotThrow(() => refuseLiveKeys({ kind: 'production' }, { STRIPE_SECRET_KEY: live }, {}));
  });
});

/**
 * Live (production) credentials of payment providers, recognised only where the provider makes them tell-tale: a
 * prefix its live keys alone carry, a live API host, or the setting its SDK reads to choose live over sandbox. Test
 * and sandbox credentials never match. What a match says names the provider and never repeats the value.
 */
export interface LivePaymentKey {
  provider: string;
  /** What made it live, without the value, to follow the variable's name: "is a live Stripe secret key (sk_live_…)". */
  what: string;
}

interface ValueRule {
  provider: string;
  what: string;
  pattern: RegExp;
}

const valueRules: ValueRule[] = [
  { provider: 'Stripe', what: 'is a live Stripe secret key (sk_live_…)', pattern: /\bsk_live_[0-9A-Za-z]{8,}/ },
  { provider: 'Stripe', what: 'is a live Stripe restricted key (rk_live_…)', pattern: /\brk_live_[0-9A-Za-z]{8,}/ },
  { provider: 'Stripe', what: 'is a live Stripe publishable key (pk_live_…)', pattern: /\bpk_live_[0-9A-Za-z]{8,}/ },
  // Braintree's (and PayPal's Braintree SDK) access tokens name their environment.
  { provider: 'Braintree', what: 'is a Braintree production access token (access_token$production$…)', pattern: /\baccess_token\$production\$/ },
  // Square's production personal access tokens; its sandbox ones are sandbox-sq0atb-….
  { provider: 'Square', what: 'is a Square production access token (sq0atp-…)', pattern: /(?<![\w-])sq0atp-[0-9A-Za-z_-]{8,}/ },
  { provider: 'Square', what: "names Square's production API (connect.squareup.com)", pattern: /\bconnect\.squareup\.com\b/i },
  { provider: 'PayPal', what: "names PayPal's live API (api.paypal.com)", pattern: /\bapi(-m)?\.paypal\.com\b/i },
  { provider: 'Adyen', what: "names Adyen's live API (…-live.adyenpayments.com)", pattern: /-live\.adyenpayments\.com\b/i },
  { provider: 'Adyen', what: "names Adyen's live API (pal-live.adyen.com, checkout-live.adyen.com)", pattern: /\b(pal|checkout)-live\.adyen\.com\b/i },
];

/** The settings the providers' SDKs read to choose between live and sandbox, and the values that mean live. */
const modeSettings: { provider: string; name: RegExp; live: RegExp }[] = [
  { provider: 'PayPal', name: /^PAYPAL_(MODE|ENV|ENVIRONMENT)$/i, live: /^(live|production)$/i },
  { provider: 'Braintree', name: /^(BRAINTREE|BT)_(ENV|ENVIRONMENT)$/i, live: /^production$/i },
  { provider: 'Adyen', name: /^ADYEN_(ENV|ENVIRONMENT)$/i, live: /^live$/i },
  { provider: 'Square', name: /^SQUARE_(ENV|ENVIRONMENT)$/i, live: /^production$/i },
];

/** Whether the variable `name` set to `value` is a live payment credential, and whose. */
export function livePaymentKey(name: string, value: string): LivePaymentKey | undefined {
  for (const rule of valueRules) if (rule.pattern.test(value)) return { provider: rule.provider, what: rule.what };
  for (const setting of modeSettings) {
    if (setting.name.test(name) && setting.live.test(value.trim())) return { provider: setting.provider, what: `selects ${setting.provider}'s live mode` };
  }
  return undefined;
}

/** One sentence for a person, naming the variable and the provider, never the value. */
export function livePaymentKeyMessage(name: string, found: LivePaymentKey): string {
  return `'${name}' ${found.what}: staging environments take ${found.provider} test keys and sandbox settings only (isolation.payments).`;
}

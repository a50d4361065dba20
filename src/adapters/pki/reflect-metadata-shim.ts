// @peculiar/x509 2.x depends on tsyringe, which throws at import time unless a Reflect metadata
// polyfill (reflect-metadata, core-js or @abraham/reflection) is loaded first (x509 README,
// "Reflect Polyfill Required"). None is installed, and x509 emits no design-type metadata, so a
// minimal in-memory implementation of the calls tsyringe makes is enough. It installs nothing if a
// real polyfill is already present. Import this module BEFORE '@peculiar/x509' (ESM evaluates
// imports in order). The certificate builders here do not use @peculiar/x509 (they build DER with
// @peculiar/asn1-x509), so only tests and relying-party code that parse with x509 need this.

type MetadataKey = unknown;
type Target = object;

type ReflectWithMetadata = typeof Reflect & {
  getMetadata?: (key: MetadataKey, target: Target, property?: string | symbol) => unknown;
};

const reflect = Reflect as ReflectWithMetadata;

if (typeof reflect.getMetadata !== 'function') {
  const store = new WeakMap<Target, Map<string | symbol | undefined, Map<MetadataKey, unknown>>>();

  const own = (target: Target, property: string | symbol | undefined, create: boolean) => {
    let byProperty = store.get(target);
    if (byProperty === undefined) {
      if (!create) return undefined;
      byProperty = new Map();
      store.set(target, byProperty);
    }
    let entries = byProperty.get(property);
    if (entries === undefined && create) {
      entries = new Map();
      byProperty.set(property, entries);
    }
    return entries;
  };

  const getOwnMetadata = (key: MetadataKey, target: Target, property?: string | symbol) =>
    own(target, property, false)?.get(key);

  const hasOwnMetadata = (key: MetadataKey, target: Target, property?: string | symbol) =>
    own(target, property, false)?.has(key) ?? false;

  const getMetadata = (key: MetadataKey, target: Target, property?: string | symbol): unknown => {
    for (let t: Target | null = target; t !== null; t = Object.getPrototypeOf(t) as Target | null) {
      if (hasOwnMetadata(key, t, property)) return getOwnMetadata(key, t, property);
    }
    return undefined;
  };

  const defineMetadata = (key: MetadataKey, value: unknown, target: Target, property?: string | symbol) => {
    own(target, property, true)?.set(key, value);
  };

  Object.assign(Reflect, {
    getOwnMetadata,
    hasOwnMetadata,
    getMetadata,
    hasMetadata: (key: MetadataKey, target: Target, property?: string | symbol) =>
      getMetadata(key, target, property) !== undefined,
    defineMetadata,
    metadata: (key: MetadataKey, value: unknown) => (target: Target, property?: string | symbol) =>
      defineMetadata(key, value, target, property),
  });
}

export {};

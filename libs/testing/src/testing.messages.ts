/** What a user of the testing kit is told when a call cannot work. */
export const TestingMessages = {
  asUserNeedsCookieMode: (mode: string) =>
    `asUser() names users with the identity cookie, but this config's general.identity.mode is '${mode}': ` +
    "use client({ authorization: 'Bearer …' }) (or the mode's header) with a credential your test issues.",
} as const;

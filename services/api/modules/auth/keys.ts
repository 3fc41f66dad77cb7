// The keys bearer tokens are signed and verified with (HS256). Tokens are signed with the current
// key (JWT_SECRET) and name it in their `kid` header; verification picks the key by `kid`,
// accepting the current key and, during a rotation, the previous one (JWT_PREVIOUS_SECRET). So a
// rotation logs nobody out: deploy with the new key as JWT_SECRET and the old one as
// JWT_PREVIOUS_SECRET, and once the old tokens have expired (JWT_TTL_SECONDS), drop the previous
// key: its tokens then get 401.
import { jwtVerify, SignJWT } from "jose";
import { UnauthenticatedError } from "../../../shared/errors.ts";

/** A key's id: the first 16 hex digits of its SHA-256, so it names the key without revealing it. */
export const keyId = (secret: string) => new Bun.CryptoHasher("sha256").update(secret).digest("hex").slice(0, 16);

const KID = /^[0-9a-f]{16}$/;

export interface TokenClaims {
  sub: string;
  exp: number;
}

export class TokenKeys {
  /** Accepted keys by kid: the current one and, during a rotation, the previous one. */
  private readonly keys = new Map<string, Uint8Array>();
  readonly currentKid: string;

  constructor(
    current: string,
    previous: string | undefined,
    private readonly ttlSeconds: number,
  ) {
    this.currentKid = keyId(current);
    this.keys.set(this.currentKid, new TextEncoder().encode(current));
    if (previous !== undefined) this.keys.set(keyId(previous), new TextEncoder().encode(previous));
  }

  /** A token for `userId`, signed with the current key and naming it. */
  sign(userId: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: this.currentKid })
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.keys.get(this.currentKid)!);
  }

  /**
   * The token's claims when it is signed by an accepted key and still valid; UnauthenticatedError
   * for anything else: no kid, a kid that is malformed or names a retired or unknown key, a wrong
   * signature, another algorithm, expired or not yet valid.
   */
  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = typeof header.kid === "string" && KID.test(header.kid) ? this.keys.get(header.kid) : undefined;
          if (!key) throw new UnauthenticatedError("the token is signed with a key that is not (or no longer) accepted");
          return key;
        },
        { algorithms: ["HS256"], requiredClaims: ["sub", "exp"] },
      );
      return { sub: payload.sub!, exp: payload.exp! };
    } catch (error) {
      // Whatever a client sends as a token, failing to verify it is a 401, never a 500.
      throw error instanceof UnauthenticatedError ? error : new UnauthenticatedError("the token is invalid or expired");
    }
  }
}

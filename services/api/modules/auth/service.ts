import type { Db } from "../../../shared/db.ts";
import { isUniqueViolation } from "../../../shared/db.ts";
import { ConflictError, UnauthenticatedError } from "../../../shared/errors.ts";

// Verifying against this hash when the email is unknown keeps login time the same either way,
// so response times do not reveal which emails have accounts.
const UNKNOWN_USER_HASH = await Bun.password.hash("not-a-real-password");

export class AuthService {
  constructor(private readonly db: Db) {}

  /** The account and its personal workspace (same id), with the user as its admin, together. */
  async register(email: string, password: string): Promise<{ id: string; email: string }> {
    const passwordHash = await Bun.password.hash(password); // argon2id
    const id = Bun.randomUUIDv7();
    try {
      const [user] = await this.db.$transaction([
        this.db.user.create({ data: { id, email: email.toLowerCase(), passwordHash }, select: { id: true, email: true } }),
        this.db.workspace.create({ data: { id, name: "Personal", ownerId: id } }),
        this.db.membership.create({ data: { workspaceId: id, userId: id, role: "admin" } }),
      ]);
      return user;
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError("an account with this email already exists");
      throw error;
    }
  }

  /** The user's id when the credentials match; 401 otherwise. */
  async verify(email: string, password: string): Promise<{ id: string }> {
    const user = await this.db.user.findUnique({ where: { email: email.toLowerCase() } });
    const valid = await Bun.password.verify(password, user?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!user || !valid) throw new UnauthenticatedError("wrong email or password");
    return { id: user.id };
  }
}

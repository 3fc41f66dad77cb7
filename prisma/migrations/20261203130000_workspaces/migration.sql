-- Workspaces, and a model registry with aliases. Every existing row moves into a workspace:
-- each user gets a personal workspace (with the user's id), their tasks and schedules go there,
-- and each model version goes to the personal workspace of whoever submitted its training task.

-- CreateEnum
CREATE TYPE "WorkspaceRole" AS ENUM ('viewer', 'member', 'admin');

-- CreateTable
CREATE TABLE "Workspace" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "ownerId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Workspace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "workspaceId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" "WorkspaceRole" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("workspaceId","userId")
);

-- CreateTable
CREATE TABLE "ModelAlias" (
    "workspaceId" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "alias" TEXT NOT NULL,
    "modelId" UUID NOT NULL,
    "movedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelAlias_pkey" PRIMARY KEY ("workspaceId","model","alias")
);

-- CreateTable
CREATE TABLE "ModelAliasMove" (
    "id" SERIAL NOT NULL,
    "workspaceId" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "alias" TEXT NOT NULL,
    "fromVersion" INTEGER,
    "toVersion" INTEGER,
    "movedById" UUID,
    "movedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelAliasMove_pkey" PRIMARY KEY ("id")
);

-- Every user's personal workspace, with the user as its admin.
INSERT INTO "Workspace" ("id", "name", "ownerId", "createdAt") SELECT "id", 'Personal', "id", "createdAt" FROM "User";
INSERT INTO "Membership" ("workspaceId", "userId", "role", "createdAt") SELECT "id", "id", 'admin', "createdAt" FROM "User";

-- Tasks and schedules: in their owner's personal workspace.
ALTER TABLE "Task" ADD COLUMN "modelVersion" INTEGER,
ADD COLUMN "workspaceId" UUID;
UPDATE "Task" SET "workspaceId" = "ownerId";
ALTER TABLE "Task" ALTER COLUMN "workspaceId" SET NOT NULL;

ALTER TABLE "Schedule" ADD COLUMN "workspaceId" UUID,
ALTER COLUMN "everyMs" SET DATA TYPE BIGINT;
UPDATE "Schedule" SET "workspaceId" = "ownerId";
ALTER TABLE "Schedule" ALTER COLUMN "workspaceId" SET NOT NULL;

-- Model versions: in the personal workspace of whoever submitted the training task, who trained it.
ALTER TABLE "Model" ADD COLUMN "dataSummary" JSONB,
ADD COLUMN "trainedById" UUID,
ADD COLUMN "workspaceId" UUID;
UPDATE "Model" m SET "workspaceId" = t."ownerId", "trainedById" = t."ownerId" FROM "Task" t WHERE t."id" = m."trainingTaskId";
-- Versions nobody can be traced to (their training task went with its user) go to one shared
-- workspace, administered by the users who were global admins: they could delete any version.
WITH legacy AS (
  INSERT INTO "Workspace" ("id", "name")
  SELECT gen_random_uuid(), 'Models from before workspaces'
  WHERE EXISTS (SELECT 1 FROM "Model" WHERE "workspaceId" IS NULL)
  RETURNING "id"
), admins AS (
  INSERT INTO "Membership" ("workspaceId", "userId", "role")
  SELECT legacy."id", u."id", 'admin' FROM legacy, "User" u WHERE u."role" = 'admin'
)
UPDATE "Model" SET "workspaceId" = (SELECT "id" FROM legacy) WHERE "workspaceId" IS NULL;
ALTER TABLE "Model" ALTER COLUMN "workspaceId" SET NOT NULL;

-- Roles are per workspace now.
ALTER TABLE "User" DROP COLUMN "role";

-- DropEnum
DROP TYPE "Role";

-- DropIndex
DROP INDEX "Model_name_version_key";

-- DropIndex
DROP INDEX "Schedule_ownerId_name_key";

-- DropIndex
DROP INDEX "Task_ownerId_id_idx";

-- DropIndex
DROP INDEX "Task_ownerId_idempotencyKey_key";

-- DropIndex
DROP INDEX "Task_ownerId_status_id_idx";

-- DropIndex
DROP INDEX "Task_ownerId_type_id_idx";

-- CreateIndex
CREATE UNIQUE INDEX "Workspace_ownerId_key" ON "Workspace"("ownerId");

-- CreateIndex
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");

-- CreateIndex
CREATE INDEX "ModelAlias_modelId_idx" ON "ModelAlias"("modelId");

-- CreateIndex
CREATE INDEX "ModelAliasMove_workspaceId_model_alias_movedAt_idx" ON "ModelAliasMove"("workspaceId", "model", "alias", "movedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Model_workspaceId_name_version_key" ON "Model"("workspaceId", "name", "version");

-- CreateIndex
CREATE UNIQUE INDEX "Schedule_workspaceId_name_key" ON "Schedule"("workspaceId", "name");

-- CreateIndex
CREATE INDEX "Task_workspaceId_id_idx" ON "Task"("workspaceId", "id" DESC);

-- CreateIndex
CREATE INDEX "Task_workspaceId_status_id_idx" ON "Task"("workspaceId", "status", "id" DESC);

-- CreateIndex
CREATE INDEX "Task_workspaceId_type_id_idx" ON "Task"("workspaceId", "type", "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Task_workspaceId_ownerId_idempotencyKey_key" ON "Task"("workspaceId", "ownerId", "idempotencyKey");

-- AddForeignKey
ALTER TABLE "Workspace" ADD CONSTRAINT "Workspace_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Model" ADD CONSTRAINT "Model_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Model" ADD CONSTRAINT "Model_trainedById_fkey" FOREIGN KEY ("trainedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelAlias" ADD CONSTRAINT "ModelAlias_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelAlias" ADD CONSTRAINT "ModelAlias_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelAliasMove" ADD CONSTRAINT "ModelAliasMove_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelAliasMove" ADD CONSTRAINT "ModelAliasMove_movedById_fkey" FOREIGN KEY ("movedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

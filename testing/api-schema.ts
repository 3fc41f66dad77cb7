// Generated from the API's OpenAPI document by openapi-typescript (testing/api-types.ts): do not edit.
export interface paths {
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: operations["getLiveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: PostgreSQL and Redis reachable */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create an account
         * @description Creates the account and its personal workspace (whose id is the account's id).
         */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get a bearer token
         * @description Send the token as `Authorization: Bearer <token>`; it expires after `expiresIn` seconds.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's workspaces and role in each */
        get: operations["listWorkspaces"];
        put?: never;
        /** Create a shared workspace (the caller is its admin) */
        post: operations["createWorkspace"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A workspace and its members */
        get: operations["getWorkspace"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces/{id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add an account to a shared workspace (admins) */
        post: operations["addWorkspaceMember"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces/{id}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a member (admins); they lose access within WORKSPACE_ROLE_CACHE_MS */
        delete: operations["removeWorkspaceMember"];
        options?: never;
        head?: never;
        /** Change a member's role (admins); it applies within WORKSPACE_ROLE_CACHE_MS */
        patch: operations["changeWorkspaceMemberRole"];
        trace?: never;
    };
    "/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the workspace's tasks, newest first (cursor pagination) */
        get: operations["listTasks"];
        put?: never;
        /**
         * Submit a task
         * @description A predict, batch-predict or drift-check runs with the model version its `version` or `alias` names (neither: `production` if set, else the latest), resolved now and kept as the task's `modelVersion`. The same `Idempotency-Key` with the same body returns the first task (header `Idempotent-Replayed: true`); with another body, 422.
         */
        post: operations["submitTask"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tasks/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Submit up to 100 tasks at once, all or nothing */
        post: operations["submitTasks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tasks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a task, optionally waiting for its final state */
        get: operations["getTask"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tasks/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Stream a task's states (server-sent events)
         * @description An `event: task` per state the task passes through (queued, running, then its final state; `running` is never skipped for a task that ran), with the task as `data`, until it is final; `event: heartbeat` when quiet.
         */
        get: operations["streamTask"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tasks/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a queued or running task */
        post: operations["cancelTask"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the workspace's models, with their aliases */
        get: operations["listModels"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/models/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A model's versions (newest first) with their metrics, provenance and aliases */
        get: operations["getModel"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/models/{name}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One version with its parameters and feature statistics */
        get: operations["getModelVersion"];
        put?: never;
        post?: never;
        /** Delete a version (workspace admins; not while an alias points to it) */
        delete: operations["deleteModelVersion"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/models/{name}/aliases/{alias}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The version an alias points to, now or at a given time */
        get: operations["getModelAlias"];
        /**
         * Point an alias at a version (workspace admins); the move is recorded
         * @description Predictions and drift checks that name the alias, or `production` by default, use the new version from their next submission on.
         */
        put: operations["moveModelAlias"];
        post?: never;
        /** Remove an alias (workspace admins); the removal is recorded */
        delete: operations["removeModelAlias"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/models/{name}/aliases/{alias}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every move of an alias: who, when, from which version to which */
        get: operations["getModelAliasHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the workspace's schedules */
        get: operations["listSchedules"];
        put?: never;
        /**
         * Create a recurring task (cron or every)
         * @description Each firing is submitted as the creator, in the workspace, and counts against the same predict limit as a submission by hand; a firing that cannot be accepted is kept as a failed task saying why.
         */
        post: operations["createSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a schedule */
        get: operations["getSchedule"];
        put?: never;
        post?: never;
        /** Delete a schedule */
        delete: operations["deleteSchedule"];
        options?: never;
        head?: never;
        /** Change a schedule (pause with enabled: false) */
        patch: operations["updateSchedule"];
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Accepted: {
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
        };
        AcceptedBatch: {
            tasks: components["schemas"]["Accepted"][];
        };
        Account: {
            /**
             * Format: uuid
             * @description the account's id, also its personal workspace's
             */
            id: string;
            /** Format: email */
            email: string;
        };
        /** @description alias → the version it points to */
        Aliases: {
            [key: string]: number;
        };
        AliasHistory: {
            model: string;
            alias: string;
            items: components["schemas"]["AliasMove"][];
        };
        AliasMove: {
            fromVersion: number | null;
            toVersion: number | null;
            movedBy: components["schemas"]["Person"] | null;
            /** Format: date-time */
            movedAt: string;
        };
        AliasState: {
            model: string;
            alias: string;
            version: number | null;
            movedBy: components["schemas"]["Person"] | null;
            /** Format: date-time */
            movedAt: string;
        };
        /**
         * @example {
         *       "version": 3
         *     }
         */
        AliasTarget: {
            /** @description the version the alias points to from now on */
            version: number;
        };
        BatchPredictPayload: {
            /** @description model name */
            model: string;
            /** @description this version; give version or alias, not both */
            version?: number;
            /** @description this alias's version; without version or alias: production if set, else the latest */
            alias?: string;
            inputs: {
                [key: string]: number;
            }[];
        };
        BatchPredictResult: {
            model: string;
            version: number;
            predictions: {
                score: number;
                label?: 0 | 1;
            }[];
            inferenceMs: number;
        };
        BatchPredictSubmission: {
            /** @constant */
            type: "batch-predict";
            payload: components["schemas"]["BatchPredictPayload"];
            /**
             * @description 10 runs first
             * @default 5
             */
            priority?: number;
        };
        /**
         * @example {
         *       "email": "ada@example.com",
         *       "password": "correct-horse-battery"
         *     }
         */
        Credentials: {
            /** Format: email */
            email: string;
            password: string;
        };
        /** @description what the version was trained on */
        DataSummary: {
            rows: number;
            features: number;
            label: {
                name: string;
                positives: number;
                negatives: number;
            } | {
                name: string;
                mean: number;
                std: number;
                min: number;
                max: number;
            };
        };
        DriftCheckPayload: {
            /** @description model name */
            model: string;
            /** @description this version; give version or alias, not both */
            version?: number;
            /** @description this alias's version; without version or alias: production if set, else the latest */
            alias?: string;
            /** @description recent predictions compared (default 1000) */
            window?: number;
        };
        DriftCheckResult: {
            model: string;
            version: number;
            /** @description scored inputs compared */
            compared: number;
            /** @description fewest inputs a check compares (DRIFT_MIN_WINDOW) */
            minimum: number;
            /** @enum {string} */
            verdict: "not_enough_data" | "stable" | "moderate" | "major";
            driftScore: number | null;
            psi: {
                [key: string]: number;
            } | null;
        };
        DriftCheckSubmission: {
            /** @constant */
            type: "drift-check";
            payload: components["schemas"]["DriftCheckPayload"];
            /**
             * @description 10 runs first
             * @default 5
             */
            priority?: number;
        };
        /**
         * @example {
         *       "error": {
         *         "code": "not_found",
         *         "message": "task not found"
         *       }
         *     }
         */
        Error: {
            error: {
                /** @description stable, for programs: bad_request, unauthorized, forbidden, not_found, method_not_allowed, conflict, validation_failed, rate_limited, unavailable, internal */
                code: string;
                /** @description for people */
                message: string;
                details?: {
                    /** @description a JSON pointer */
                    path: string;
                    message: string;
                }[];
            };
        };
        Liveness: {
            /** @constant */
            status: "ok";
        };
        Member: {
            /** Format: uuid */
            userId: string;
            /** Format: email */
            email: string;
            /**
             * @description viewer: reads; member: also submits tasks and manages schedules; admin: also moves aliases, deletes versions, manages members
             * @enum {string}
             */
            role: "viewer" | "member" | "admin";
            /** Format: date-time */
            since: string;
        };
        /**
         * @example {
         *       "email": "grace@example.com",
         *       "role": "member"
         *     }
         */
        MemberInput: {
            /** Format: email */
            email: string;
            /**
             * @description viewer: reads; member: also submits tasks and manages schedules; admin: also moves aliases, deletes versions, manages members
             * @enum {string}
             */
            role: "viewer" | "member" | "admin";
        };
        ModelList: {
            items: components["schemas"]["ModelSummary"][];
        };
        ModelSummary: {
            name: string;
            latestVersion: number;
            versions: number;
            aliases: components["schemas"]["Aliases"];
        };
        ModelVersion: {
            /** Format: uuid */
            id: string;
            name: string;
            version: number;
            algorithm: string;
            label: string;
            features: string[];
            metrics: {
                rows: number;
                loss: number;
                accuracy: number;
            } | {
                rows: number;
                mse: number;
                rmse: number;
                r2: number;
            };
            dataSummary: components["schemas"]["DataSummary"] | null;
            trainedBy: components["schemas"]["Person"] | null;
            trainingTaskId: string | null;
            driftScore: number | null;
            driftCheckedAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** @description the aliases pointing to this version */
            aliases: string[];
            /** @description weights, bias and standardisation */
            parameters: {
                [key: string]: unknown;
            };
            /** @description per feature: mean, std, min, max and the PSI bins */
            featureStats: {
                [key: string]: unknown;
            };
        };
        ModelVersions: {
            name: string;
            aliases: components["schemas"]["Aliases"];
            versions: components["schemas"]["ModelVersionSummary"][];
        };
        ModelVersionSummary: {
            version: number;
            algorithm: string;
            label: string;
            features: string[];
            metrics: {
                rows: number;
                loss: number;
                accuracy: number;
            } | {
                rows: number;
                mse: number;
                rmse: number;
                r2: number;
            };
            dataSummary: components["schemas"]["DataSummary"] | null;
            trainedBy: components["schemas"]["Person"] | null;
            trainingTaskId: string | null;
            driftScore: number | null;
            driftCheckedAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** @description the aliases pointing to this version */
            aliases: string[];
        };
        Person: {
            /** Format: uuid */
            id: string;
            /** Format: email */
            email: string;
        };
        PredictPayload: {
            /** @description model name */
            model: string;
            /** @description this version; give version or alias, not both */
            version?: number;
            /** @description this alias's version; without version or alias: production if set, else the latest */
            alias?: string;
            /** @description feature name → numeric value */
            input: {
                [key: string]: number;
            };
        };
        PredictResult: {
            /** @description logistic: P(label = 1); linear: the predicted value */
            score: number;
            label?: 0 | 1;
            model: string;
            /** @description the version that scored it */
            version: number;
            inferenceMs: number;
        };
        PredictSubmission: {
            /** @constant */
            type: "predict";
            payload: components["schemas"]["PredictPayload"];
            /**
             * @description 10 runs first
             * @default 5
             */
            priority?: number;
        };
        Readiness: {
            /** @enum {string} */
            status: "ready" | "unavailable";
            checks: {
                /** @enum {string} */
                postgres: "up" | "down";
                /** @enum {string} */
                redis: "up" | "down";
            };
        };
        /**
         * @example {
         *       "role": "viewer"
         *     }
         */
        RoleChange: {
            /**
             * @description viewer: reads; member: also submits tasks and manages schedules; admin: also moves aliases, deletes versions, manages members
             * @enum {string}
             */
            role: "viewer" | "member" | "admin";
        };
        Schedule: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            workspaceId: string;
            /**
             * Format: uuid
             * @description who created it: its firings are submitted as this user
             */
            ownerId: string;
            name: string;
            cron: string | null;
            every: number | null;
            enabled: boolean;
            task: {
                /** @enum {string} */
                type: "train" | "predict" | "batch-predict" | "drift-check";
                payload: {
                    [key: string]: unknown;
                };
                priority: number;
            };
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ScheduleChange: {
            name?: string;
            /** @description cron pattern in UTC, e.g. "*\/5 * * * *" (a sixth, leading field counts seconds) */
            cron?: string;
            /** @description interval in milliseconds (at least SCHEDULE_MIN_INTERVAL_MS) */
            every?: number;
            task?: components["schemas"]["TaskSubmission"];
            /** @default true */
            enabled?: boolean;
        };
        /**
         * @description exactly one of cron and every
         * @example {
         *       "name": "nightly drift",
         *       "cron": "0 3 * * *",
         *       "task": {
         *         "type": "drift-check",
         *         "payload": {
         *           "model": "churn"
         *         }
         *       }
         *     }
         */
        ScheduleInput: {
            name: string;
            /** @description cron pattern in UTC, e.g. "*\/5 * * * *" (a sixth, leading field counts seconds) */
            cron?: string;
            /** @description interval in milliseconds (at least SCHEDULE_MIN_INTERVAL_MS) */
            every?: number;
            task: components["schemas"]["TaskSubmission"];
            /** @default true */
            enabled?: boolean;
        };
        ScheduleList: {
            items: components["schemas"]["Schedule"][];
        };
        Task: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            workspaceId: string;
            /**
             * Format: uuid
             * @description who submitted it (a schedule's firing: its creator)
             */
            ownerId: string;
            /** @enum {string} */
            type: "train" | "predict" | "batch-predict" | "drift-check";
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            priority: number;
            /** @description as submitted */
            payload: {
                [key: string]: unknown;
            };
            modelVersion: number | null;
            result: (components["schemas"]["TrainResult"] | components["schemas"]["PredictResult"] | components["schemas"]["BatchPredictResult"] | components["schemas"]["DriftCheckResult"]) | null;
            error: string | null;
            attempts: number;
            idempotencyKey: string | null;
            scheduleId: string | null;
            /** Format: date-time */
            createdAt: string;
            startedAt: string | null;
            finishedAt: string | null;
            queuedMs: number | null;
            durationMs: number | null;
        };
        TaskBatch: {
            tasks: components["schemas"]["TaskSubmission"][];
        };
        TaskPage: {
            items: components["schemas"]["TaskSummary"][];
            nextCursor: string | null;
        };
        /**
         * @example {
         *       "type": "predict",
         *       "payload": {
         *         "model": "churn",
         *         "alias": "production",
         *         "input": {
         *           "tenure": 2,
         *           "tickets": 5
         *         }
         *       }
         *     }
         */
        TaskSubmission: components["schemas"]["TrainSubmission"] | components["schemas"]["PredictSubmission"] | components["schemas"]["BatchPredictSubmission"] | components["schemas"]["DriftCheckSubmission"];
        TaskSummary: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            ownerId: string;
            /** @enum {string} */
            type: "train" | "predict" | "batch-predict" | "drift-check";
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            priority: number;
            modelVersion: number | null;
            attempts: number;
            error: string | null;
            scheduleId: string | null;
            /** Format: date-time */
            createdAt: string;
            startedAt: string | null;
            finishedAt: string | null;
            queuedMs: number | null;
            durationMs: number | null;
        };
        Token: {
            token: string;
            /** @description seconds */
            expiresIn: number;
        };
        TrainPayload: {
            /** @description model name */
            model: string;
            /** @enum {string} */
            algorithm: "logistic" | "linear";
            label: string;
            rows: {
                [key: string]: number;
            }[];
            options?: {
                epochs?: number;
                learningRate?: number;
                l2?: number;
            };
        };
        TrainResult: {
            model: string;
            /** @description the new version (no alias moves with it) */
            version: number;
            /** @enum {string} */
            algorithm: "logistic" | "linear";
            metrics: {
                rows: number;
                loss: number;
                accuracy: number;
            } | {
                rows: number;
                mse: number;
                rmse: number;
                r2: number;
            };
        };
        TrainSubmission: {
            /** @constant */
            type: "train";
            payload: components["schemas"]["TrainPayload"];
            /**
             * @description 10 runs first
             * @default 5
             */
            priority?: number;
        };
        Workspace: {
            /**
             * Format: uuid
             * @description send as the Workspace-Id header to act in it
             */
            id: string;
            name: string;
            /** @description the caller's own workspace (its id is the account's): no other members */
            personal: boolean;
            /**
             * @description viewer: reads; member: also submits tasks and manages schedules; admin: also moves aliases, deletes versions, manages members
             * @enum {string}
             */
            role: "viewer" | "member" | "admin";
            /** Format: date-time */
            createdAt: string;
        };
        WorkspaceDetails: {
            /**
             * Format: uuid
             * @description send as the Workspace-Id header to act in it
             */
            id: string;
            name: string;
            /** @description the caller's own workspace (its id is the account's): no other members */
            personal: boolean;
            /**
             * @description viewer: reads; member: also submits tasks and manages schedules; admin: also moves aliases, deletes versions, manages members
             * @enum {string}
             */
            role: "viewer" | "member" | "admin";
            /** Format: date-time */
            createdAt: string;
            members: components["schemas"]["Member"][];
        };
        /**
         * @example {
         *       "name": "Churn team"
         *     }
         */
        WorkspaceInput: {
            name: string;
        };
        WorkspaceList: {
            items: components["schemas"]["Workspace"][];
        };
    };
    responses: {
        /** @description the request cannot be read (not JSON, nested too deep, not valid Unicode, a value that cannot be stored) */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description no bearer token, or one that is invalid, expired or signed with a retired key */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description the caller's role in the workspace does not allow this */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description no such resource in the workspace, or one outside the caller's workspaces: the two are not told apart */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description the request contradicts the current state */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description the body is larger than BODY_LIMIT_BYTES */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description a value is missing, of the wrong type or out of range; `details` names each place */
        ValidationFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description past a rate limit or quota: retry after `Retry-After` seconds */
        RateLimited: {
            headers: {
                /** @description seconds to wait */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description PostgreSQL or Redis cannot do its part now; nothing was accepted: retry after `Retry-After` seconds */
        Unavailable: {
            headers: {
                /** @description seconds to wait */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
        WorkspaceId: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the Prometheus text format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
        };
    };
    getLiveness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the process answers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Liveness"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description both answer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description one of them does not */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
    register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Credentials"];
            };
        };
        responses: {
            /** @description the account */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Account"];
                };
            };
            409: components["responses"]["Conflict"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Credentials"];
            };
        };
        responses: {
            /** @description a bearer token */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Token"];
                };
            };
            401: components["responses"]["Unauthorized"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    listWorkspaces: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description personal first, then shared ones */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkspaceList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["RateLimited"];
        };
    };
    createWorkspace: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WorkspaceInput"];
            };
        };
        responses: {
            /** @description the workspace */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Workspace"];
                };
            };
            401: components["responses"]["Unauthorized"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    getWorkspace: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the workspace */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkspaceDetails"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    addWorkspaceMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MemberInput"];
            };
        };
        responses: {
            /** @description the new member */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Member"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    removeWorkspaceMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    changeWorkspaceMemberRole: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RoleChange"];
            };
        };
        responses: {
            /** @description the member */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Member"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    listTasks: {
        parameters: {
            query?: {
                status?: "queued" | "running" | "succeeded" | "failed" | "cancelled";
                type?: "train" | "predict" | "batch-predict" | "drift-check";
                limit?: number;
                /** @description nextCursor of the previous page */
                cursor?: string;
            };
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of tasks, without payloads and results */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskPage"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    submitTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description the same key and body → the first task, never a second */
                "idempotency-key"?: string;
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TaskSubmission"];
            };
        };
        responses: {
            /** @description accepted: stored and queued */
            202: {
                headers: {
                    /** @description `true` when this is the key's first task */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    submitTasks: {
        parameters: {
            query?: never;
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TaskBatch"];
            };
        };
        responses: {
            /** @description every task accepted, in the order given */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedBatch"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
            503: components["responses"]["Unavailable"];
        };
    };
    getTask: {
        parameters: {
            query?: {
                /** @description seconds to wait for a final state */
                wait?: number;
            };
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the task, with its result or error once final */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    streamTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a server-sent event stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    cancelTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the cancelled task */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    listModels: {
        parameters: {
            query?: never;
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description every model of the workspace */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    getModel: {
        parameters: {
            query?: never;
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the model */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelVersions"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    getModelVersion: {
        parameters: {
            query?: never;
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelVersion"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    deleteModelVersion: {
        parameters: {
            query?: never;
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted, with the inputs it scored */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    getModelAlias: {
        parameters: {
            query?: {
                /** @description the alias as it was at this time (default: now) */
                at?: string;
            };
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path: {
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the alias at that time */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AliasState"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    moveModelAlias: {
        parameters: {
            query?: never;
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path: {
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AliasTarget"];
            };
        };
        responses: {
            /** @description the alias after the move */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AliasState"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    removeModelAlias: {
        parameters: {
            query?: never;
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path: {
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    getModelAliasHistory: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path: {
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the moves, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AliasHistory"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    listSchedules: {
        parameters: {
            query?: never;
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the schedules */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    createSchedule: {
        parameters: {
            query?: never;
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScheduleInput"];
            };
        };
        responses: {
            /** @description the schedule */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    getSchedule: {
        parameters: {
            query?: never;
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the schedule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    deleteSchedule: {
        parameters: {
            query?: never;
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
    updateSchedule: {
        parameters: {
            query?: never;
            header?: {
                /** @description the workspace the request acts in (GET /workspaces lists them); the caller's personal workspace when left out */
                "Workspace-Id"?: components["parameters"]["WorkspaceId"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScheduleChange"];
            };
        };
        responses: {
            /** @description the schedule as changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["RateLimited"];
        };
    };
}

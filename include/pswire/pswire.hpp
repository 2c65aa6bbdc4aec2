// pswire: the PowerSync write-path codec. Include this, or just the family
// header you need (each includes the core it stands on).
#pragma once

#include "core/errors.hpp"        // errc, error, result<T>
#include "core/limits.hpp"        // limits
#include "core/lifetime.hpp"      // borrowed_text, deleted overloads for temporaries
#include "core/json_validate.hpp" // strict JSON validation
#include "core/raw_json.hpp"      // raw_value, raw_object, raw_string views
#include "core/json_reader.hpp"   // the strict reader decoders share
#include "core/json_writer.hpp"   // the writer into caller buffers
#include "core/json_pretty.hpp"   // indented JSON for humans
#include "core/bson_reader.hpp"   // the strict BSON reader (sync lines)
#include "core/bson_writer.hpp"   // the BSON writer
#include "row.hpp"                // typed rows: PSWIRE_ROW
#include "crud.hpp"               // PUT/PATCH/DELETE, crud_entry, dialects
#include "batch.hpp"              // CrudTransaction, TransactionBatch, ps_crud -> batch
#include "checkpoints.hpp"        // checkpoint requests, write checkpoints, client and server rules
#include "service_error.hpp"      // the service's {"error":{...}} envelope
#include "sync_lines.hpp"         // sync stream lines, in JSON and BSON
#include "sync_stream.hpp"        // the sync stream cut into lines: NDJSON and BSON framing
#include "results.hpp"            // transaction results, batch and message responses, client and server rules
#include "error_classification.hpp"  // database errors to retryable or fatal error codes
#include "message_kinds.hpp"       // every message kind by name, and its canonical form

#define PSWIRE_VERSION_MAJOR 0
#define PSWIRE_VERSION_MINOR 1
#define PSWIRE_VERSION_PATCH 0

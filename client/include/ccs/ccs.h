// The ccs client SDK: include this one header.
#pragma once

#include "ccs/buffer.h"
#include "ccs/client.h"
#include "ccs/error.h"
#include "ccs/group.h"
#include "ccs/inspector.h"
#include "ccs/kv_scope.h"
#include "ccs/parallel_layout.h"
#include "ccs/types.h"
#include "ccs/version.h"

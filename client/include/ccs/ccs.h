// The ccs client SDK: include this one header.
#pragma once

#include "ccs/buffer.h"
#include "ccs/client.h"
#include "ccs/error.h"
#include "ccs/group.h"
#include "ccs/types.h"

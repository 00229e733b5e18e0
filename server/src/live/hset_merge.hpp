#pragma once
// Writes for one pipeline, merged: the HSETs to the same hash become one HSET whose fields hold
// what the HSETs applied in order would leave (the later value of a field wins). A batch of meter
// samples (service/charger_meter.cpp) writes each connector's and each session's hash once, however
// many of its samples the batch holds. The merged pipeline leaves Redis as the original would.
// Any other command is kept where it is and ends the merging: an HSET after it is not merged into
// one before it (a DEL or EXPIRE between them must still see the earlier state).
#include <string>
#include <vector>

namespace kw::live {

std::vector<std::vector<std::string>> merge_hsets(std::vector<std::vector<std::string>> commands);

}  // namespace kw::live

build/obj/common/messages.o: common/messages.cpp common/messages.hpp \
 common/job.hpp common/result.hpp common/limits.hpp common/wire.hpp
common/messages.hpp:
common/job.hpp:
common/result.hpp:
common/limits.hpp:
common/wire.hpp:

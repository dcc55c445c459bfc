build/obj/common/diagnostic.o: common/diagnostic.cpp \
 common/diagnostic.hpp common/messages.hpp common/job.hpp \
 common/result.hpp
common/diagnostic.hpp:
common/messages.hpp:
common/job.hpp:
common/result.hpp:

build/obj/common/job_check.o: common/job_check.cpp common/job_check.hpp \
 common/job.hpp common/result.hpp common/limits.hpp common/messages.hpp
common/job_check.hpp:
common/job.hpp:
common/result.hpp:
common/limits.hpp:
common/messages.hpp:
